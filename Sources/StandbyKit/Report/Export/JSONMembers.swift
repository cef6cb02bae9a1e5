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

    mutating func endMembers(_ members: Members) {
        let s = writable()
        if members.count > 0 { s.levels[s.levels.count - 1] |= State.hasMembers }
        s.end(UInt8(ascii: "}"), array: false)
    }

    /// The members of an object written by ``object(_:)``: each writer starts
    /// a member with its key and writes its value.
    struct Members {
        private let bytes: FlatBuffer<UInt8>
        /// The depth of the members: one below the object.
        private let depth: Int
        /// How many members are written.
        private(set) var count = 0
        #if DEBUG
            private var lastKey: String?
        #endif

        fileprivate init(bytes: FlatBuffer<UInt8>, depth: Int) {
            self.bytes = bytes
            self.depth = depth
        }

        /// Starts a member — a comma after the member before, a newline, the
        /// indentation, the key — with room for `room` bytes of its value after
        /// it, and returns where the value goes. The caller writes the value
        /// there and ends the member with ``end(at:)``.
        @inline(__always)
        private mutating func start(_ key: Key, room: Int) -> UnsafeMutablePointer<UInt8> {
            #if DEBUG
                if let lastKey {
                    assert(lastKey.utf8.lexicographicallyPrecedes(key.name.utf8), "keys out of order: '\(lastKey)' before '\(key.name)'")
                }
                lastKey = key.name
            #endif
            let comma = count > 0 ? 1 : 0
            count += 1
            guard key.depth == depth else { return start(unprepared: key, comma: comma, room: room) }
            // Made ready for this depth: one copy (from after the comma for the first member).
            return key.member.withUnsafeBufferPointer { member in
                let n = member.count &- 1 &+ comma
                let p = bytes.reserve(n &+ room)
                if let start = member.baseAddress { copyBytes(from: start + (1 &- comma), to: p, count: n) }
                return p + n
            }
        }

        /// ``start(_:room:)`` for a key not made ready for this depth.
        private func start(unprepared key: Key, comma: Int, room: Int) -> UnsafeMutablePointer<UInt8> {
            key.bytes.withUnsafeBufferPointer { quoted in
                let p = bytes.reserve(jsonNewlineCount(depth: depth) + quoted.count + max(room, 8))
                let indent = writeJSONNewline(depth: depth, comma: comma > 0, at: p)
                if let name = quoted.baseAddress { copyBytes(from: name, to: p + indent, count: quoted.count) }
                return p + indent + quoted.count
            }
        }

        /// Ends the member started last, whose value ends at `end`.
        @inline(__always)
        private func end(at end: UnsafeMutablePointer<UInt8>) {
            bytes.commit(upTo: end)
        }

        /// A member whose value is the ASCII `literal`.
        @inline(__always)
        private mutating func literal(_ key: Key, _ literal: StaticString) {
            let n = literal.utf8CodeUnitCount
            let p = start(key, room: n)
            copyBytes(from: literal.utf8Start, to: p, count: n)
            end(at: p + n)
        }

        fileprivate func close() {
            if count > 0 { bytes.appendJSONNewline(depth: depth - 1, comma: false) }
            bytes.append(UInt8(ascii: "}"))
        }

        @inline(__always)
        mutating func field(_ key: Key, _ value: Int) {
            end(at: writeDecimal(value, to: start(key, room: maxDecimalCount)))
        }

        /// An integer, or `null` for `nil`.
        @inline(__always)
        mutating func field(_ key: Key, orNull value: Int?) {
            if let value { field(key, value) } else { literal(key, "null") }
        }

        @inline(__always)
        mutating func field(_ key: Key, _ value: Bool) {
            if value { literal(key, "true") } else { literal(key, "false") }
        }

        @inline(__always)
        mutating func field(_ key: Key, _ value: some ExportText) {
            value.withUTF8Bytes { text in
                guard value.isPlain, let source = text.baseAddress else {
                    end(at: start(key, room: 0))
                    bytes.appendJSONString(text, plain: value.isPlain)
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
        mutating func field(_ key: Key, orNull value: (some ExportText)?) {
            if let value { field(key, value) } else { literal(key, "null") }
        }

        /// An array of strings.
        @inline(__always)
        mutating func strings(_ key: Key, _ values: some Collection<some ExportText>) {
            if values.isEmpty {
                emptyArray(key)
            } else {
                end(at: start(key, room: 0))
                elements(values)
            }
        }

        /// An empty array: `[]`.
        @inline(__always)
        mutating func emptyArray(_ key: Key) {
            let p = start(key, room: 2)
            p[0] = UInt8(ascii: "[")
            p[1] = UInt8(ascii: "]")
            end(at: p + 2)
        }

        private func elements(_ values: some Collection<some ExportText>) {
            bytes.append(UInt8(ascii: "["))
            var first = true
            for value in values {
                value.withUTF8Bytes { bytes.appendJSONElement($0, depth: depth + 1, comma: !first, plain: value.isPlain) }
                first = false
            }
            bytes.appendJSONNewline(depth: depth, comma: false)
            bytes.append(UInt8(ascii: "]"))
        }

        /// An array of objects, one per item, each written by `body`.
        @inline(__always)
        mutating func objects<Items: Collection>(
            _ key: Key, _ items: Items, _ body: (inout Members, Items.Element) -> Void
        ) {
            if items.isEmpty {
                emptyArray(key)
            } else {
                end(at: start(key, room: 0))
                elements(items, body)
            }
        }

        private func elements<Items: Collection>(_ items: Items, _ body: (inout Members, Items.Element) -> Void) {
            bytes.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                bytes.appendJSONNewline(depth: depth + 1, comma: !first)
                first = false
                bytes.append(UInt8(ascii: "{"))
                var members = Members(bytes: bytes, depth: depth + 2)
                body(&members, item)
                members.close()
            }
            bytes.appendJSONNewline(depth: depth, comma: false)
            bytes.append(UInt8(ascii: "]"))
        }
    }
}
