// JSONWriter's fast path for the objects a report writes many times.

extension JSONWriter {
    /// Writes one object whose members `body` writes in order, each in one step.
    ///
    /// The general writer consults its stack of open containers for every key
    /// and value; here the object's depth is known, so a member's comma, newline,
    /// indentation, key and value go straight into the buffer. For objects a
    /// report writes many times (a plan's cases); the bytes are those of
    /// ``beginObject()``, ``key(_:)`` and the scalar writers.
    mutating func object(_ body: (inout Members) -> Void) {
        var members = beginMembers()
        body(&members)
        endMembers(members)
    }

    /// ``object(_:)`` in two calls, for a caller that writes the members in
    /// line: nothing but `members` may write between the two.
    mutating func beginMembers() -> Members {
        let s = writable()
        s.begin(UInt8(ascii: "{"), array: false)
        return Members(bytes: s.bytes, depth: s.levels.count)
    }

    /// A key made ready once for the whole run, for ``Members``: its bytes are
    /// kept where they never move nor are freed (``make(_:depth:)``), so that
    /// handing a key to a member writer is copying three words, with no
    /// reference counting: a fleet's cases write millions of members.
    // Sendable: immutable, and its bytes are never written nor freed.
    struct StaticKey: @unchecked Sendable {
        /// The quoted name and `": "`.
        let bytes: UnsafeBufferPointer<UInt8>
        /// A comma, a newline, the indentation of ``depth`` and ``bytes``.
        let member: UnsafeBufferPointer<UInt8>
        /// The depth ``member`` is made for, or −1.
        let depth: Int

        /// The key `name`, with its member start at `depth` made ready too
        /// when `depth` is not negative. Its bytes are never freed: make only
        /// a fixed, small set of keys (the static tables of a report).
        static func make(_ name: String, depth: Int = -1) -> StaticKey {
            let key = Key(name, depth: depth)
            return StaticKey(bytes: immortal(key.bytes), member: immortal(key.member), depth: key.depth)
        }

        private static func immortal(_ bytes: [UInt8]) -> UnsafeBufferPointer<UInt8> {
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            _ = copy.initialize(from: bytes)
            return UnsafeBufferPointer(start: copy.baseAddress, count: bytes.count)
        }
    }

    /// Writes one element of the innermost array, every byte of it by `body`
    /// straight into the buffer — the comma when `comma`, the newline and
    /// indentation of `depth`, and the value — when the array's elements are at
    /// `depth`; otherwise writes nothing and returns `false`. For elements a
    /// report writes many times from a template (a plan's cases): their bytes
    /// must be those the scalar and container writers would write.
    @inline(__always)
    mutating func rawElement(depth: Int, _ body: (_ bytes: FlatBuffer<UInt8>, _ comma: Bool) -> Void) -> Bool {
        let s = writable()
        guard s.levels.count == depth, depth > 0, !s.afterKey else { return false }
        let slot = s.levels.base + (depth - 1)
        let flags = slot.pointee
        guard flags & State.isArray != 0 else { return false }
        slot.pointee = flags | State.hasMembers
        body(s.bytes, flags & State.hasMembers != 0)
        return true
    }

    mutating func endMembers(_ members: Members) {
        let s = writable()
        if members.count > 0 { s.levels[s.levels.count - 1] |= State.hasMembers }
        s.end(UInt8(ascii: "}"), array: false)
    }

    /// The members of an object written by ``object(_:)``: each writer starts
    /// a member with its key and writes its value.
    struct Members {
        // Unmanaged: members are written within one call of the writer that
        // owns the buffer (``object(_:)``, or between ``beginMembers()`` and
        // ``endMembers(_:)``), and a strong reference would be retained and
        // released at every member.
        private let buffer: Unmanaged<FlatBuffer<UInt8>>

        /// The buffer, borrowed for `body` without retaining it.
        @inline(__always)
        private func withBytes<R>(_ body: (FlatBuffer<UInt8>) -> R) -> R {
            buffer._withUnsafeGuaranteedRef(body)
        }
        /// The depth of the members: one below the object.
        private let depth: Int
        /// How many members are written.
        private(set) var count = 0
        #if DEBUG
            private var lastKey: UnsafeBufferPointer<UInt8>?
        #endif

        private init(buffer: Unmanaged<FlatBuffer<UInt8>>, depth: Int) {
            self.buffer = buffer
            self.depth = depth
        }

        fileprivate init(bytes: FlatBuffer<UInt8>, depth: Int) {
            buffer = Unmanaged.passUnretained(bytes)
            self.depth = depth
        }

        /// Starts a member — a comma after the member before, a newline, the
        /// indentation, the key — with room for `room` bytes of its value after
        /// it, and returns where the value goes. The caller writes the value
        /// there and ends the member with ``end(at:)``.
        @inline(__always)
        private mutating func start(_ key: StaticKey, room: Int) -> UnsafeMutablePointer<UInt8> {
            #if DEBUG
                // Quoted names sort as the names do: the closing quote sorts
                // before every byte a name can hold after it.
                if let lastKey {
                    assert(lastKey.lexicographicallyPrecedes(key.bytes), "keys out of order: \(String(decoding: lastKey, as: UTF8.self)) before \(String(decoding: key.bytes, as: UTF8.self))")
                }
                lastKey = key.bytes
            #endif
            let comma = count > 0 ? 1 : 0
            count += 1
            guard key.depth == depth else { return start(unprepared: key, comma: comma, room: room) }
            // Made ready for this depth: one copy (from after the comma for the first member).
            let n = key.member.count &- 1 &+ comma
            let p = withBytes { $0.reserve(n &+ room) }
            if let start = key.member.baseAddress { copyBytes(from: start + (1 &- comma), to: p, count: n) }
            return p + n
        }

        /// ``start(_:room:)`` for a key not made ready for this depth.
        private func start(unprepared key: StaticKey, comma: Int, room: Int) -> UnsafeMutablePointer<UInt8> {
            let quoted = key.bytes
            let p = withBytes { $0.reserve(jsonNewlineCount(depth: depth) + quoted.count + max(room, 8)) }
            let indent = writeJSONNewline(depth: depth, comma: comma > 0, at: p)
            if let name = quoted.baseAddress { copyBytes(from: name, to: p + indent, count: quoted.count) }
            return p + indent + quoted.count
        }

        /// Ends the member started last, whose value ends at `end`.
        @inline(__always)
        private func end(at end: UnsafeMutablePointer<UInt8>) {
            withBytes { $0.commit(upTo: end) }
        }

        /// A member whose value is the ASCII `literal`.
        @inline(__always)
        private mutating func literal(_ key: StaticKey, _ literal: StaticString) {
            let n = literal.utf8CodeUnitCount
            let p = start(key, room: n)
            copyBytes(from: literal.utf8Start, to: p, count: n)
            end(at: p + n)
        }

        fileprivate func close() {
            if count > 0 { withBytes { $0.appendJSONNewline(depth: depth - 1, comma: false) } }
            withBytes { $0.append(UInt8(ascii: "}")) }
        }

        @inline(__always)
        mutating func field(_ key: StaticKey, _ value: Int) {
            end(at: writeDecimal(value, to: start(key, room: maxDecimalCount)))
        }

        /// An integer, or `null` for `nil`.
        @inline(__always)
        mutating func field(_ key: StaticKey, orNull value: Int?) {
            if let value { field(key, value) } else { literal(key, "null") }
        }

        @inline(__always)
        mutating func field(_ key: StaticKey, _ value: Bool) {
            if value { literal(key, "true") } else { literal(key, "false") }
        }

        @inline(__always)
        mutating func field(_ key: StaticKey, _ value: some ExportText) {
            value.withUTF8Bytes { text in
                guard value.isPlain, let source = text.baseAddress else {
                    end(at: start(key, room: 0))
                    withBytes { $0.appendJSONString(text, plain: value.isPlain) }
                    return
                }
                let p = start(key, room: text.count + 2)
                p[0] = UInt8(ascii: "\"")
                copyBytes(from: source, to: p + 1, count: text.count)
                p[text.count + 1] = UInt8(ascii: "\"")
                end(at: p + text.count + 2)
            }
        }

        /// A string, or `null` for `nil`.
        @inline(__always)
        mutating func field(_ key: StaticKey, orNull value: (some ExportText)?) {
            if let value { field(key, value) } else { literal(key, "null") }
        }

        /// An array of strings.
        @inline(__always)
        mutating func strings(_ key: StaticKey, _ values: some Collection<some ExportText>) {
            if values.isEmpty {
                emptyArray(key)
            } else {
                end(at: start(key, room: 0))
                elements(values)
            }
        }

        /// An empty array: `[]`.
        @inline(__always)
        mutating func emptyArray(_ key: StaticKey) {
            let p = start(key, room: 2)
            p[0] = UInt8(ascii: "[")
            p[1] = UInt8(ascii: "]")
            end(at: p + 2)
        }

        private func elements(_ values: some Collection<some ExportText>) {
            withBytes { $0.append(UInt8(ascii: "[")) }
            var first = true
            for value in values {
                value.withUTF8Bytes { text in withBytes { $0.appendJSONElement(text, depth: depth + 1, comma: !first, plain: value.isPlain) } }
                first = false
            }
            withBytes { $0.appendJSONNewline(depth: depth, comma: false) }
            withBytes { $0.append(UInt8(ascii: "]")) }
        }

        /// An array of objects, one per item, each written by `body`.
        @inline(__always)
        mutating func objects<Items: Collection>(
            _ key: StaticKey, _ items: Items, _ body: (inout Members, Items.Element) -> Void
        ) {
            if items.isEmpty {
                emptyArray(key)
            } else {
                end(at: start(key, room: 0))
                elements(items, body)
            }
        }

        private func elements<Items: Collection>(_ items: Items, _ body: (inout Members, Items.Element) -> Void) {
            withBytes { $0.append(UInt8(ascii: "[")) }
            var first = true
            for item in items {
                withBytes { $0.appendJSONNewline(depth: depth + 1, comma: !first) }
                first = false
                withBytes { $0.append(UInt8(ascii: "{")) }
                var members = Members(buffer: buffer, depth: depth + 2)
                body(&members, item)
                members.close()
            }
            withBytes { $0.appendJSONNewline(depth: depth, comma: false) }
            withBytes { $0.append(UInt8(ascii: "]")) }
        }
    }
}
