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
package struct JSONWriter {
    /// What has been written since the last flush, as UTF-8.
    package var buffer: [UInt8] { Array(state.bytes.elements) }
    /// How many bytes ``buffer`` holds.
    package var bufferedByteCount: Int { state.bytes.count }
    /// Whether the top-level value is complete (and its newline written).
    package var isComplete: Bool { state.isComplete }

    private var state = State()

    package init() {}

    /// Hands what was written so far to `out` and empties the buffer. A
    /// ``UTF8OutputStream`` gets the bytes as they are.
    package mutating func flush<Out: TextOutputStream>(to out: inout Out) {
        guard state.bytes.count > 0 else { return }
        writeUTF8(state.bytes.elements, to: &out)
        writable().bytes.removeAll()
    }

    /// A writer at the same place in the document as this one, with nothing
    /// buffered: what it writes can come after what this one wrote, through
    /// ``append(_:)``. Parts of a document can so be written apart (on other
    /// threads) and joined in order.
    package func continuation() -> JSONWriter {
        var next = JSONWriter()
        next.state = state.position()
        return next
    }

    /// Empties the buffer, keeping its memory, and stands where `other` stands:
    /// a ``continuation()`` of `other` that reuses this writer's memory.
    package mutating func restart(at other: JSONWriter) {
        let s = writable()
        s.bytes.removeAll()
        s.take(positionOf: other.state)
    }

    /// Appends what `next`, a continuation of this writer, wrote, and stands
    /// where `next` stands.
    package mutating func append(_ next: JSONWriter) {
        let s = writable()
        s.bytes.append(contentsOf: next.state.bytes.elements)
        s.take(positionOf: next.state)
    }

    // MARK: Containers

    package mutating func beginObject() {
        writable().begin(UInt8(ascii: "{"), array: false)
    }

    package mutating func endObject() {
        writable().end(UInt8(ascii: "}"), array: false)
    }

    package mutating func beginArray() {
        writable().begin(UInt8(ascii: "["), array: true)
    }

    package mutating func endArray() {
        writable().end(UInt8(ascii: "]"), array: true)
    }

    /// Writes an object member's key; the next value written is its value.
    package mutating func key(_ key: String) {
        let s = writable()
        s.beginMember(key)
        s.appendQuoted(key)
        s.bytes.appendASCII(": ")
    }

    /// Writes an object member's key made ready beforehand; the next value written
    /// is its value.
    package mutating func key(_ key: Key) {
        writable().key(key)
    }

    /// An object key quoted once, for members written many times: the same bytes
    /// as writing the name as a key, without escaping it again each time.
    package struct Key: Sendable {
        package let name: String
        /// The quoted name and `": "`.
        let bytes: [UInt8]
        /// The depth ``member`` is made for, or −1.
        let depth: Int
        /// A comma, a newline, the indentation of ``depth`` and ``bytes``: all
        /// that starts a member at that depth (after the comma when it is not
        /// the first), for ``Members``.
        let member: [UInt8]

        package init(_ name: String) {
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

    package mutating func string(_ value: String) {
        let s = writable()
        s.beginValue()
        s.appendQuoted(value)
        s.endValue()
    }

    package mutating func int(_ value: Int) {
        let s = writable()
        s.beginValue()
        s.bytes.appendDecimal(value)
        s.endValue()
    }

    package mutating func bool(_ value: Bool) {
        let s = writable()
        s.beginValue()
        if value { s.bytes.appendASCII("true") } else { s.bytes.appendASCII("false") }
        s.endValue()
    }

    package mutating func null() {
        let s = writable()
        s.beginValue()
        s.bytes.appendASCII("null")
        s.endValue()
    }

    /// An exact fixed-point number: `scaled / 10^decimals` with exactly `decimals`
    /// digits after the point (`decimal(385, decimals: 1)` is `38.5`,
    /// `decimal(5, decimals: 2)` is `0.05`). `decimals` of 0 writes an integer.
    package mutating func decimal(_ scaled: Int, decimals: Int) {
        raw(Self.fixedPoint(scaled, decimals: decimals))
    }

    /// A floating-point number rounded to exactly `decimals` digits after the point
    /// (ties away from zero): `number(38.4615, decimals: 1)` is `38.5`. JSON has no
    /// NaN or infinity, so those are written as `null`; a value too large for a
    /// 64-bit fixed-point form is written in Swift's shortest exponent form, which
    /// is valid JSON.
    package mutating func number(_ value: Double, decimals: Int) {
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

    package mutating func field(_ key: String, _ value: String) {
        self.key(key)
        string(value)
    }

    package mutating func field(_ key: String, _ value: Int) {
        self.key(key)
        int(value)
    }

    package mutating func field(_ key: String, _ value: Bool) {
        self.key(key)
        bool(value)
    }

    package mutating func field(_ key: Key, _ value: String) {
        let s = writable()
        s.key(key)
        s.afterKey = false
        s.appendQuoted(value)
    }

    package mutating func field(_ key: Key, _ value: Int) {
        let s = writable()
        s.key(key)
        s.afterKey = false
        s.bytes.appendDecimal(value)
    }

    package mutating func field(_ key: Key, _ value: Bool) {
        let s = writable()
        s.key(key)
        s.afterKey = false
        if value { s.bytes.appendASCII("true") } else { s.bytes.appendASCII("false") }
    }

    // MARK: Escaping

    /// `value` as a JSON string literal, quotes included.
    package static func quoted(_ value: String) -> String {
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
    mutating func writable() -> State {
        if !isKnownUniquelyReferenced(&state) { state = state.copy() }
        return state
    }

    /// The bytes and the open containers. A class, so that a write touches its
    /// buffers in place; ``JSONWriter`` copies it before writing to a shared one.
    final class State {
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
