// Where renderers write, and the two small writers they share.
//
// Every renderer takes `inout some TextOutputStream` (the standard library's
// protocol): `String` for tests and small outputs, a buffered file writer in the
// command line. A fleet's report runs to tens of megabytes, so renderers never
// build a whole document in one string: the writers below hold at most a row, a
// region or a state, and the renderer flushes them into the stream as it goes.

/// A streaming JSON writer with fixed, byte-stable formatting.
///
/// Why not Foundation's `JSONEncoder`: it builds the whole document in memory
/// before returning it (a fleet's report is tens of megabytes), goes through
/// `Encodable`'s boxing and is slow at that scale, and its formatting is not ours
/// to pin down (key order follows `Encodable` unless sorted, spacing and escaping
/// of `/` differ between platforms and releases). Other tools diff and parse
/// these documents, so every byte is decided here:
///
/// - two-space indentation, `"key": value`, one member per line, `[]` and `{}`
///   for empty containers, one newline after the top-level value (the layout of
///   `jq --indent 2 .`);
/// - strings escaped per RFC 8259: `"` and `\` with a backslash; the control
///   characters U+0000–U+001F as `\b`, `\t`, `\n`, `\f`, `\r` where JSON has a
///   short form and `\u00XX` (lower-case hex) otherwise; everything else,
///   non-ASCII included, as UTF-8; `/` is not escaped;
/// - integers in decimal; fixed-point numbers with exactly the decimals asked.
///
/// Keys are written in the order the caller gives them; renderers give them in
/// sorted order (by UTF-8 bytes, as `jq -S` and Python's `sort_keys` do), which
/// debug builds check.
///
/// The writer appends UTF-8 bytes to its own buffer; call ``flush(to:)``
/// whenever a self-contained piece is done (a region, a state) so the buffer
/// stays small. Copies of a writer are independent: a copy's buffer is copied
/// before either writes again.
public struct JSONWriter {
    /// What has been written since the last flush, as UTF-8.
    public var buffer: [UInt8] { Array(state.bytes.elements) }
    /// How many bytes ``buffer`` holds.
    public var bufferedByteCount: Int { state.bytes.count }
    /// Whether the top-level value is complete (and its newline written).
    public var isComplete: Bool { state.isComplete }

    private var state = State()

    public init() {}

    /// Hands what was written so far to `out` and empties the buffer. A
    /// ``UTF8OutputStream`` gets the bytes as they are.
    public mutating func flush<Out: TextOutputStream>(to out: inout Out) {
        guard state.bytes.count > 0 else { return }
        writeUTF8(state.bytes.elements, to: &out)
        writable().bytes.removeAll()
    }

    /// A writer at the same place in the document as this one, with nothing
    /// buffered: what it writes can come after what this one wrote, through
    /// ``append(_:)``. Parts of a document can so be written apart (on other
    /// threads) and joined in order.
    public func continuation() -> JSONWriter {
        var next = JSONWriter()
        next.state = state.position()
        return next
    }

    /// Empties the buffer, keeping its memory, and stands where `other` stands:
    /// a ``continuation()`` of `other` that reuses this writer's memory.
    public mutating func restart(at other: JSONWriter) {
        let s = writable()
        s.bytes.removeAll()
        s.take(positionOf: other.state)
    }

    /// Appends what `next`, a continuation of this writer, wrote, and stands
    /// where `next` stands.
    public mutating func append(_ next: JSONWriter) {
        let s = writable()
        s.bytes.append(contentsOf: next.state.bytes.elements)
        s.take(positionOf: next.state)
    }

    // MARK: Containers

    public mutating func beginObject() {
        writable().begin(UInt8(ascii: "{"), array: false)
    }

    public mutating func endObject() {
        writable().end(UInt8(ascii: "}"), array: false)
    }

    public mutating func beginArray() {
        writable().begin(UInt8(ascii: "["), array: true)
    }

    public mutating func endArray() {
        writable().end(UInt8(ascii: "]"), array: true)
    }

    /// Writes an object member's key; the next value written is its value.
    public mutating func key(_ key: String) {
        let s = writable()
        s.beginMember(key)
        s.appendQuoted(key)
        s.bytes.appendASCII(": ")
    }

    /// Writes an object member's key made ready beforehand; the next value written
    /// is its value.
    public mutating func key(_ key: Key) {
        writable().key(key)
    }

    /// An object key quoted once, for members written many times: the same bytes
    /// as writing the name as a key, without escaping it again each time.
    public struct Key: Sendable {
        public let name: String
        /// The quoted name and `": "`.
        let bytes: [UInt8]
        /// The depth ``member`` is made for, or −1.
        let depth: Int
        /// A comma, a newline, the indentation of ``depth`` and ``bytes``: all
        /// that starts a member at that depth (after the comma when it is not
        /// the first), for ``Members``.
        let member: [UInt8]

        public init(_ name: String) {
            self.init(name, depth: -1)
        }

        /// A key whose member start at `depth` is made ready too.
        init(_ name: String, depth: Int) {
            self.name = name
            self.bytes = Array(JSONWriter.quoted(name).utf8) + [UInt8(ascii: ":"), UInt8(ascii: " ")]
            self.depth = depth
            self.member = depth < 0 ? [] : [UInt8(ascii: ","), 0x0A] + Array(repeating: UInt8(ascii: " "), count: 2 * depth) + bytes
        }
    }

    // MARK: Scalars

    public mutating func string(_ value: String) {
        let s = writable()
        s.beginValue()
        s.appendQuoted(value)
        s.endValue()
    }

    public mutating func int(_ value: Int) {
        let s = writable()
        s.beginValue()
        s.bytes.appendDecimal(value)
        s.endValue()
    }

    public mutating func bool(_ value: Bool) {
        let s = writable()
        s.beginValue()
        if value { s.bytes.appendASCII("true") } else { s.bytes.appendASCII("false") }
        s.endValue()
    }

    public mutating func null() {
        let s = writable()
        s.beginValue()
        s.bytes.appendASCII("null")
        s.endValue()
    }

    /// An exact fixed-point number: `scaled / 10^decimals` with exactly `decimals`
    /// digits after the point (`decimal(385, decimals: 1)` is `38.5`,
    /// `decimal(5, decimals: 2)` is `0.05`). `decimals` of 0 writes an integer.
    public mutating func decimal(_ scaled: Int, decimals: Int) {
        raw(Self.fixedPoint(scaled, decimals: decimals))
    }

    /// A floating-point number rounded to exactly `decimals` digits after the point
    /// (ties away from zero): `number(38.4615, decimals: 1)` is `38.5`. JSON has no
    /// NaN or infinity, so those are written as `null`; a value too large for a
    /// 64-bit fixed-point form is written in Swift's shortest exponent form, which
    /// is valid JSON.
    public mutating func number(_ value: Double, decimals: Int) {
        let decimals = max(0, min(decimals, 18))
        guard value.isFinite else { return null() }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard let scaled = Int(exactly: rounded) else { return raw(value.description) }
        decimal(scaled, decimals: decimals)
    }

    /// A value written as it is (a number already formatted).
    private mutating func raw(_ text: String) {
        let s = writable()
        s.beginValue()
        text.withUTF8Bytes { s.bytes.appendBytes($0) }
        s.endValue()
    }

    // MARK: Members (a key and a scalar value)

    public mutating func field(_ key: String, _ value: String) {
        self.key(key)
        string(value)
    }

    public mutating func field(_ key: String, _ value: Int) {
        self.key(key)
        int(value)
    }

    public mutating func field(_ key: String, _ value: Bool) {
        self.key(key)
        bool(value)
    }

    public mutating func field(_ key: Key, _ value: String) {
        let s = writable()
        s.key(key)
        s.afterKey = false
        s.appendQuoted(value)
    }

    public mutating func field(_ key: Key, _ value: Int) {
        let s = writable()
        s.key(key)
        s.afterKey = false
        s.bytes.appendDecimal(value)
    }

    public mutating func field(_ key: Key, _ value: Bool) {
        let s = writable()
        s.key(key)
        s.afterKey = false
        if value { s.bytes.appendASCII("true") } else { s.bytes.appendASCII("false") }
    }

    // MARK: Escaping

    /// `value` as a JSON string literal, quotes included.
    public static func quoted(_ value: String) -> String {
        let state = State()
        value.withUTF8Bytes { state.appendQuoted($0) }
        return state.bytes.string
    }

    static func fixedPoint(_ scaled: Int, decimals: Int) -> String {
        let digits = String(scaled.magnitude)
        let sign = scaled < 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let cut = padded.index(padded.endIndex, offsetBy: -decimals)
        return sign + padded[..<cut] + "." + padded[cut...]
    }

    /// The state, unshared: copied first when another writer (a copy of this
    /// one) holds it too. Every write goes through here once.
    @inline(__always)
    private mutating func writable() -> State {
        if !isKnownUniquelyReferenced(&state) { state = state.copy() }
        return state
    }

    /// The bytes and the open containers. A class, so that a write touches its
    /// buffers in place; ``JSONWriter`` copies it before writing to a shared one.
    private final class State {
        let bytes: FlatBuffer<UInt8>
        /// Per open container, innermost last: ``isArray``, ``hasMembers``.
        let levels: FlatBuffer<UInt8>
        /// A key was written and its value is due.
        var afterKey = false
        var isComplete = false
        #if DEBUG
            /// Per open object, its previous key, to check that keys come sorted.
            var lastKeys: [String?] = []
        #endif

        static let isArray: UInt8 = 1
        static let hasMembers: UInt8 = 2

        init(bytes: FlatBuffer<UInt8> = FlatBuffer(capacity: 1 << 16), levels: FlatBuffer<UInt8> = FlatBuffer()) {
            self.bytes = bytes
            self.levels = levels
        }

        /// The same place in the document, with no bytes.
        func position() -> State {
            at(bytes: FlatBuffer(capacity: 1 << 16))
        }

        /// Stands where `other` stands; the bytes stay.
        func take(positionOf other: State) {
            levels.removeAll()
            levels.append(contentsOf: other.levels.elements)
            afterKey = other.afterKey
            isComplete = other.isComplete
            #if DEBUG
                lastKeys = other.lastKeys
            #endif
        }

        func copy() -> State {
            at(bytes: bytes.copy())
        }

        /// A state at this one's place in the document, holding `bytes`.
        private func at(bytes: FlatBuffer<UInt8>) -> State {
            let other = State(bytes: bytes, levels: levels.copy())
            other.afterKey = afterKey
            other.isComplete = isComplete
            #if DEBUG
                other.lastKeys = lastKeys
            #endif
            return other
        }

        func begin(_ open: UInt8, array: Bool) {
            if !afterKey && levels.count > 0 {
                // An element: the separator, newline and indentation, and the
                // opening bracket, in one piece.
                assert(!isComplete && levels[levels.count - 1] & Self.isArray != 0, "a value in an object without a key")
                let slot = levels.base + (levels.count - 1)
                let flags = slot.pointee
                slot.pointee = flags | Self.hasMembers
                let p = bytes.reserve(jsonNewlineCount(depth: levels.count) + 8 + 1)
                let n = writeJSONNewline(depth: levels.count, comma: flags & Self.hasMembers != 0, at: p)
                p[n] = open
                bytes.commit(n + 1)
            } else {
                beginValue()
                bytes.append(open)
            }
            levels.append(array ? Self.isArray : 0)
            #if DEBUG
                lastKeys.append(nil)
            #endif
        }

        func end(_ close: UInt8, array: Bool) {
            let depth = levels.count
            guard depth > 0 else {
                assertionFailure("end of a container that is not open")
                return
            }
            let flags = levels[depth - 1]
            assert((flags & Self.isArray != 0) == array && !afterKey, "mismatched end, or end after a key")
            levels.removeLast()
            #if DEBUG
                lastKeys.removeLast()
            #endif
            if flags & Self.hasMembers != 0 { bytes.appendJSONNewline(depth: depth - 1, comma: false) }
            bytes.append(close)
            endValue()
        }

        /// Starts a member or an element of the innermost container: a comma
        /// after the one before, a newline, the indentation.
        @inline(__always)
        func separate() {
            let depth = levels.count
            let slot = levels.base + (depth - 1)
            let flags = slot.pointee
            slot.pointee = flags | Self.hasMembers
            bytes.appendJSONNewline(depth: depth, comma: flags & Self.hasMembers != 0)
        }

        /// Starts an object member named `name`; its quoted key comes next.
        @inline(__always)
        func beginMember(_ name: @autoclosure () -> String) {
            guard levels.count > 0 else {
                assertionFailure("a key outside an object")
                return
            }
            assert(levels[levels.count - 1] & Self.isArray == 0 && !afterKey, "a key outside an object or after a key")
            #if DEBUG
                let key = name()
                if let last = lastKeys[lastKeys.count - 1] {
                    assert(last.utf8.lexicographicallyPrecedes(key.utf8), "keys out of order: '\(last)' before '\(key)'")
                }
                lastKeys[lastKeys.count - 1] = key
            #endif
            separate()
            afterKey = true
        }

        @inline(__always)
        func key(_ key: Key) {
            beginMember(key.name)
            key.bytes.withUnsafeBufferPointer { bytes.appendBytes($0) }
        }

        /// Separator and indentation before a value: nothing after a key, else a new
        /// line inside an array.
        @inline(__always)
        func beginValue() {
            assert(!isComplete, "a second top-level value")
            if afterKey {
                afterKey = false
                return
            }
            guard levels.count > 0 else { return }
            assert(levels[levels.count - 1] & Self.isArray != 0, "a value in an object without a key")
            separate()
        }

        /// The newline after the top-level value.
        @inline(__always)
        func endValue() {
            if levels.count == 0 {
                bytes.append(0x0A)
                isComplete = true
            }
        }

        func appendQuoted(_ value: UnsafeBufferPointer<UInt8>) {
            bytes.appendJSONString(value)
        }

        func appendQuoted(_ value: String) {
            value.withUTF8Bytes { bytes.appendJSONString($0) }
        }
    }
}

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

extension FlatBuffer where Element == UInt8 {
    /// A newline and the indentation of `depth` (two spaces a level), after a
    /// comma when `comma`: what goes before a member or an element.
    @inline(__always)
    func appendJSONNewline(depth: Int, comma: Bool) {
        commit(writeJSONNewline(depth: depth, comma: comma, at: reserve(jsonNewlineCount(depth: depth) + 8)))
    }

    /// A string element of an array at `depth`: the separator, newline and
    /// indentation, then the string, in one piece when it is `plain`.
    @inline(__always)
    func appendJSONElement(_ value: UnsafeBufferPointer<UInt8>, depth: Int, comma: Bool, plain: Bool) {
        guard plain, let source = value.baseAddress else {
            appendJSONNewline(depth: depth, comma: comma)
            appendJSONString(value, plain: plain)
            return
        }
        let p = reserve(jsonNewlineCount(depth: depth) + value.count + 2 + 8)
        let quote = writeJSONNewline(depth: depth, comma: comma, at: p)
        let n = quote + 2 + value.count
        p[quote] = UInt8(ascii: "\"")
        copyBytes(from: source, to: p + quote + 1, count: value.count)
        p[n - 1] = UInt8(ascii: "\"")
        commit(n)
    }

    /// `value` as a JSON string literal: quoted, with `"`, `\` and the control
    /// characters escaped (RFC 8259), everything else as it is. `plain` says
    /// that `value` is known to need no escaping (``isPlainText(_:)``).
    func appendJSONString(_ value: UnsafeBufferPointer<UInt8>, plain: Bool = false) {
        guard let source = value.baseAddress, !plain && !isPlainText(value) else {
            // The common case: names hold nothing to escape.
            let p = reserve(value.count + 2)
            p[0] = UInt8(ascii: "\"")
            if let source = value.baseAddress { copyBytes(from: source, to: p + 1, count: value.count) }
            p[value.count + 1] = UInt8(ascii: "\"")
            commit(value.count + 2)
            return
        }
        append(UInt8(ascii: "\""))
        // Every character JSON requires escaping is ASCII, and no byte of a
        // multi-byte UTF-8 sequence is below 0x80, so a byte scan finds them all
        // and the bytes between escapes are copied as they are.
        var start = 0
        for index in 0..<value.count {
            let byte = source[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                if index > start { appendBytes(source + start, index - start) }
                appendJSONEscape(byte)
                start = index + 1
            }
        }
        if value.count > start { appendBytes(source + start, value.count - start) }
        append(UInt8(ascii: "\""))
    }

    private func appendJSONEscape(_ byte: UInt8) {
        append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
        case 0x08: append(UInt8(ascii: "b"))
        case 0x09: append(UInt8(ascii: "t"))
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0C: append(UInt8(ascii: "f"))
        case 0x0D: append(UInt8(ascii: "r"))
        default:
            let hex: StaticString = "0123456789abcdef"
            appendASCII("u00")
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}

/// The most bytes ``writeJSONNewline(depth:comma:at:)`` counts for `depth`.
@inline(__always)
func jsonNewlineCount(depth: Int) -> Int { 2 + 2 * depth }

/// Writes a comma when `comma`, a newline and the indentation of `depth` (two
/// spaces a level) at `target`, and returns how many bytes that is. The spaces
/// go eight at a time, so up to seven bytes past them are written too: `target`
/// must have room for ``jsonNewlineCount(depth:)`` + 8 bytes.
@inline(__always)
func writeJSONNewline(depth: Int, comma: Bool, at target: UnsafeMutablePointer<UInt8>) -> Int {
    let p = UnsafeMutableRawPointer(target)
    let start = comma ? 1 : 0
    // A depth is far below Int.max / 2: wrapping arithmetic spares the overflow checks.
    let n = start &+ 1 &+ 2 &* depth
    p.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
    p.storeBytes(of: 0x0A, toByteOffset: start, as: UInt8.self)
    var offset = start &+ 1
    while offset < n {
        p.storeBytes(of: 0x2020_2020_2020_2020 as UInt64, toByteOffset: offset, as: UInt64.self)
        offset &+= 8
    }
    return n
}

/// Whether `text` holds nothing that a JSON string or a CSV field escapes or
/// quotes: no control character (CR and LF among them), `"`, `\` or `,`. Eight
/// bytes at a time, with the usual bit tricks for "some byte is below n" and
/// "some byte is zero".
func isPlainText(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let source = text.baseAddress else { return true }
    let n = text.count
    guard n >= 8 else {
        for byte in text where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: ",") {
            return false
        }
        return true
    }
    let ones: UInt64 = 0x0101_0101_0101_0101
    func plain(_ word: UInt64) -> Bool {
        func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x }
        let special = (word &- ones &* 0x20) & ~word
            | hasZero(word ^ (ones &* UInt64(UInt8(ascii: "\""))))
            | hasZero(word ^ (ones &* UInt64(UInt8(ascii: "\\"))))
            | hasZero(word ^ (ones &* UInt64(UInt8(ascii: ","))))
        return special & (ones &* 0x80) == 0
    }
    let raw = UnsafeRawPointer(source)
    var offset = 0
    while offset + 8 < n {
        if !plain(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return false }
        offset += 8
    }
    return plain(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
}

/// Writes UTF-8 bytes to a text stream: as they are to a ``UTF8OutputStream``,
/// else as a `String`.
func writeUTF8<Out: TextOutputStream>(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout Out) {
    if var bytesOut = out as? any UTF8OutputStream {
        bytesOut.write(utf8: UnsafeRawBufferPointer(bytes))
        if let back = bytesOut as? Out { out = back }
    } else {
        out.write(String(decoding: bytes, as: UTF8.self))
    }
}

/// A text stream that also takes UTF-8 bytes as they are, so that writers which
/// build bytes (``JSONWriter``) need not make a `String` of them first.
public protocol UTF8OutputStream: TextOutputStream {
    /// Writes `bytes`, which hold valid UTF-8.
    mutating func write(utf8 bytes: UnsafeRawBufferPointer)
}

/// A streaming CSV writer (RFC 4180).
///
/// A field is quoted when it contains a comma, a double quote, CR or LF, and a
/// double quote inside a quoted field is doubled; other fields are written as
/// they are. Records end with CRLF, as RFC 4180 specifies: spreadsheets and
/// Python's `csv` module expect it, and the stable output contract names RFC 4180.
/// The last record ends with CRLF too.
///
/// Fields are appended one by one; ``endRow(to:)`` hands the finished record to
/// the stream, so the writer never holds more than one row. (Inside the
/// package, renderers may end rows with ``endRow()`` and hand several at once
/// to the stream with ``flush(to:)``.)
public struct CSVWriter {
    /// The record separator.
    public static let lineEnding = "\r\n"

    /// The rows not yet handed to a stream; shared by copies until one writes.
    private var rows = FlatBuffer<UInt8>(capacity: 256)
    private var fields = 0

    public init() {}

    public mutating func field(_ value: String) {
        field(text: value)
    }

    public mutating func field(_ value: Int) {
        nextField().appendDecimal(value)
    }

    /// A field of text: as it is when it is plain, else quoted when it has to be.
    mutating func field(text value: some ExportText) {
        let rows = nextField()
        value.withUTF8Bytes { bytes in
            if value.isPlain || !Self.needsQuotes(bytes) {
                rows.appendBytes(bytes)
            } else {
                Self.appendQuoted(bytes, to: rows)
            }
        }
    }

    /// One field of `values` joined by `separator` (a byte no value holds).
    mutating func field(joining values: some Sequence<some ExportText>, separator: UInt8) {
        let rows = nextField()
        let start = rows.count
        var first = true
        var plain = true
        for value in values {
            if !first { rows.append(separator) }
            first = false
            plain = plain && value.isPlain
            value.withUTF8Bytes { rows.appendBytes($0) }
        }
        let joined = UnsafeBufferPointer(start: rows.base + start, count: rows.count - start)
        guard !plain && Self.needsQuotes(joined) else { return }
        let field = Array(joined)
        rows.removeLast(rows.count - start)
        field.withUnsafeBufferPointer { Self.appendQuoted($0, to: rows) }
    }

    /// Ends the record and writes it, and any ended before it, to `out`.
    public mutating func endRow(to out: inout some TextOutputStream) {
        endRow()
        flush(to: &out)
    }

    /// Ends the record; it stays buffered until ``flush(to:)``.
    mutating func endRow() {
        writable().appendASCII("\r\n")
        fields = 0
    }

    /// How many bytes of ended (and unended) rows are buffered.
    var bufferedByteCount: Int { rows.count }

    /// Hands the buffered rows to `out`.
    mutating func flush<Out: TextOutputStream>(to out: inout Out) {
        guard rows.count > 0 else { return }
        writeUTF8(rows.elements, to: &out)
        writable().removeAll()
    }

    /// Writes one whole record.
    public mutating func row(_ values: [String], to out: inout some TextOutputStream) {
        for value in values { field(value) }
        endRow(to: &out)
    }

    /// `value` as one CSV field: quoted only when it has to be.
    public static func escaped(_ value: String) -> String {
        var writer = CSVWriter()
        writer.field(value)
        return writer.rows.string
    }

    /// The buffer, unshared: copied first when a copy of this writer holds it too.
    private mutating func writable() -> FlatBuffer<UInt8> {
        if !isKnownUniquelyReferenced(&rows) { rows = rows.copy() }
        return rows
    }

    /// The buffer, unshared, after the comma before a field that is not the first.
    private mutating func nextField() -> FlatBuffer<UInt8> {
        let rows = writable()
        if fields > 0 { rows.append(UInt8(ascii: ",")) }
        fields += 1
        return rows
    }

    private static func needsQuotes(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A
        }
    }

    private static func appendQuoted(_ value: UnsafeBufferPointer<UInt8>, to rows: FlatBuffer<UInt8>) {
        rows.append(UInt8(ascii: "\""))
        for byte in value {
            if byte == UInt8(ascii: "\"") { rows.append(byte) }
            rows.append(byte)
        }
        rows.append(UInt8(ascii: "\""))
    }
}
