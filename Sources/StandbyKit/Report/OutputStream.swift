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
/// stays small.
public struct JSONWriter {
    private enum Container {
        case object, array
    }

    private struct Level {
        var container: Container
        var count = 0
        #if DEBUG
            /// The previous key of an object, to check that keys come sorted.
            var lastKey: String?
        #endif
    }

    /// What has been written since the last flush, as UTF-8.
    public var buffer: [UInt8] { Array(storage.bytes) }
    /// How many bytes ``buffer`` holds.
    public var bufferedByteCount: Int { storage.count }
    /// The bytes of ``buffer``; copied before a write when another writer shares it.
    private var storage = ByteStorage(capacity: 1 << 16)
    private var levels: [Level] = []
    /// A key was written and its value is due.
    private var afterKey = false
    /// Per depth: a newline and two spaces per level.
    private var indents: [[UInt8]] = [[0x0A]]

    public init() {}

    /// Whether the top-level value is complete (and its newline written).
    public private(set) var isComplete = false

    /// Hands what was written so far to `out` and empties the buffer. A
    /// ``UTF8OutputStream`` gets the bytes as they are.
    public mutating func flush<Out: TextOutputStream>(to out: inout Out) {
        guard storage.count > 0 else { return }
        if var bytesOut = out as? any UTF8OutputStream {
            bytesOut.write(utf8: UnsafeRawBufferPointer(storage.bytes))
            if let back = bytesOut as? Out { out = back }
        } else {
            out.write(String(decoding: storage.bytes, as: UTF8.self))
        }
        unique()
        storage.count = 0
    }

    // MARK: Containers

    public mutating func beginObject() {
        beginValue()
        storage.append(UInt8(ascii: "{"))
        levels.append(Level(container: .object))
    }

    public mutating func endObject() {
        assert(levels.last?.container == .object && !afterKey, "endObject outside an object or after a key")
        end(close: UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        beginValue()
        storage.append(UInt8(ascii: "["))
        levels.append(Level(container: .array))
    }

    public mutating func endArray() {
        assert(levels.last?.container == .array, "endArray outside an array")
        end(close: UInt8(ascii: "]"))
    }

    /// Writes an object member's key; the next value written is its value.
    public mutating func key(_ key: String) {
        unique()
        let depth = levels.count
        guard depth > 0 else {
            assertionFailure("a key outside an object")
            return
        }
        assert(levels[depth - 1].container == .object && !afterKey, "a key outside an object or after a key")
        #if DEBUG
            if let last = levels[depth - 1].lastKey {
                assert(last.utf8.lexicographicallyPrecedes(key.utf8), "keys out of order: '\(last)' before '\(key)'")
            }
            levels[depth - 1].lastKey = key
        #endif
        if levels[depth - 1].count > 0 { storage.append(UInt8(ascii: ",")) }
        levels[depth - 1].count += 1
        appendIndent(depth)
        appendQuoted(key)
        storage.append(UInt8(ascii: ":"))
        storage.append(UInt8(ascii: " "))
        afterKey = true
    }

    /// Writes an object member's key made ready beforehand; the next value written
    /// is its value.
    public mutating func key(_ key: Key) {
        unique()
        let depth = levels.count
        guard depth > 0 else {
            assertionFailure("a key outside an object")
            return
        }
        assert(levels[depth - 1].container == .object && !afterKey, "a key outside an object or after a key")
        #if DEBUG
            if let last = levels[depth - 1].lastKey {
                assert(
                    last.utf8.lexicographicallyPrecedes(key.name.utf8), "keys out of order: '\(last)' before '\(key.name)'")
            }
            levels[depth - 1].lastKey = key.name
        #endif
        if levels[depth - 1].count > 0 { storage.append(UInt8(ascii: ",")) }
        levels[depth - 1].count += 1
        appendIndent(depth)
        key.bytes.withUnsafeBufferPointer { storage.append($0) }
        afterKey = true
    }

    /// An object key quoted once, for members written many times: the same bytes
    /// as writing the name as a key, without escaping it again each time.
    public struct Key: Sendable {
        public let name: String
        /// The quoted name and `": "`.
        let bytes: [UInt8]

        public init(_ name: String) {
            self.name = name
            self.bytes = Array(JSONWriter.quoted(name).utf8) + [UInt8(ascii: ":"), UInt8(ascii: " ")]
        }
    }

    // MARK: Scalars

    public mutating func string(_ value: String) {
        beginValue()
        appendQuoted(value)
        endScalar()
    }

    public mutating func int(_ value: Int) {
        beginValue()
        appendInt(value)
        endScalar()
    }

    public mutating func bool(_ value: Bool) {
        beginValue()
        appendASCII(value ? "true" : "false")
        endScalar()
    }

    public mutating func null() {
        beginValue()
        appendASCII("null")
        endScalar()
    }

    /// An exact fixed-point number: `scaled / 10^decimals` with exactly `decimals`
    /// digits after the point (`decimal(385, decimals: 1)` is `38.5`,
    /// `decimal(5, decimals: 2)` is `0.05`). `decimals` of 0 writes an integer.
    public mutating func decimal(_ scaled: Int, decimals: Int) {
        beginValue()
        appendUTF8(Self.fixedPoint(scaled, decimals: decimals))
        endScalar()
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
        guard let scaled = Int(exactly: rounded) else {
            beginValue()
            appendUTF8(value.description)
            endScalar()
            return
        }
        decimal(scaled, decimals: decimals)
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
        self.key(key)
        string(value)
    }

    public mutating func field(_ key: Key, _ value: Int) {
        self.key(key)
        int(value)
    }

    public mutating func field(_ key: Key, _ value: Bool) {
        self.key(key)
        bool(value)
    }

    // MARK: Escaping

    /// `value` as a JSON string literal, quotes included.
    public static func quoted(_ value: String) -> String {
        var writer = JSONWriter()
        writer.appendQuoted(value)
        return String(decoding: writer.storage.bytes, as: UTF8.self)
    }

    private mutating func appendQuoted(_ value: String) {
        storage.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Every character JSON requires escaping is ASCII, and no byte of a
            // multi-byte UTF-8 sequence is below 0x80, so a byte scan finds them all
            // and the bytes between escapes are copied as they are.
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    if index > start { storage.append(UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                    appendEscape(byte)
                    start = index + 1
                }
            }
            if utf8.count > start { storage.append(UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        storage.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func appendEscape(_ byte: UInt8) {
        storage.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): storage.append(byte)
        case 0x08: storage.append(UInt8(ascii: "b"))
        case 0x09: storage.append(UInt8(ascii: "t"))
        case 0x0A: storage.append(UInt8(ascii: "n"))
        case 0x0C: storage.append(UInt8(ascii: "f"))
        case 0x0D: storage.append(UInt8(ascii: "r"))
        default:
            appendASCII("u00")
            storage.append(Self.hexDigits[Int(byte >> 4)])
            storage.append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    private mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { storage.append($0) }
    }

    /// Copies the storage when another writer (a copy of this one) shares it.
    private mutating func unique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// A static ASCII literal, byte by byte.
    private mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { storage.append($0) }
    }

    /// An integer in decimal, without going through `String`.
    private mutating func appendInt(_ value: Int) {
        var magnitude = value.magnitude
        if value < 0 { storage.append(UInt8(ascii: "-")) }
        if magnitude < 10 {
            storage.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude))
            return
        }
        var digits = 0
        var rest = magnitude
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        storage.reserve(digits)
        var p = storage.base + storage.count + digits
        while magnitude > 0 {
            p -= 1
            p.initialize(to: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        }
        storage.count += digits
    }

    static func fixedPoint(_ scaled: Int, decimals: Int) -> String {
        let digits = String(scaled.magnitude)
        let sign = scaled < 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let cut = padded.index(padded.endIndex, offsetBy: -decimals)
        return sign + padded[..<cut] + "." + padded[cut...]
    }

    // MARK: Layout

    /// A newline and the indentation of `depth`.
    private mutating func appendIndent(_ depth: Int) {
        while indents.count <= depth {
            indents.append([0x0A] + Array(repeating: UInt8(ascii: " "), count: 2 * indents.count))
        }
        indents[depth].withUnsafeBufferPointer { storage.append($0) }
    }

    /// Separator and indentation before a value: nothing after a key, else a new
    /// line inside an array.
    private mutating func beginValue() {
        unique()
        assert(!isComplete, "a second top-level value")
        if afterKey {
            afterKey = false
            return
        }
        let depth = levels.count
        guard depth > 0 else { return }
        assert(levels[depth - 1].container == .array, "a value in an object without a key")
        if levels[depth - 1].count > 0 { storage.append(UInt8(ascii: ",")) }
        levels[depth - 1].count += 1
        appendIndent(depth)
    }

    private mutating func end(close: UInt8) {
        unique()
        guard let level = levels.popLast() else { return }
        if level.count > 0 { appendIndent(levels.count) }
        storage.append(close)
        endScalar()
    }

    private mutating func endScalar() {
        if levels.isEmpty {
            storage.append(0x0A)
            isComplete = true
        }
    }
}

/// Growable bytes that ``JSONWriter`` appends to: unlike an array it checks
/// neither uniqueness nor bounds per byte (the writer makes itself unique once
/// per token).
private final class ByteStorage {
    private(set) var base: UnsafeMutablePointer<UInt8>
    var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    func copy() -> ByteStorage {
        let other = ByteStorage(capacity: capacity)
        other.base.initialize(from: base, count: count)
        other.count = count
        return other
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        (base + count).initialize(to: byte)
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
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
/// the stream, so the writer never holds more than one row.
public struct CSVWriter {
    /// The record separator.
    public static let lineEnding = "\r\n"

    private var line = ""
    private var fields = 0

    public init() {
        line.reserveCapacity(256)
    }

    public mutating func field(_ value: String) {
        if fields > 0 { line.append(",") }
        fields += 1
        Self.append(value, to: &line)
    }

    public mutating func field(_ value: Int) {
        if fields > 0 { line.append(",") }
        fields += 1
        line.append(String(value))
    }

    /// Ends the record and writes it to `out`.
    public mutating func endRow(to out: inout some TextOutputStream) {
        line.append(Self.lineEnding)
        out.write(line)
        line.removeAll(keepingCapacity: true)
        fields = 0
    }

    /// Writes one whole record.
    public mutating func row(_ values: [String], to out: inout some TextOutputStream) {
        for value in values { field(value) }
        endRow(to: &out)
    }

    /// `value` as one CSV field: quoted only when it has to be.
    public static func escaped(_ value: String) -> String {
        var result = ""
        append(value, to: &result)
        return result
    }

    private static func append(_ value: String, to line: inout String) {
        let needsQuotes = value.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A
        }
        guard needsQuotes else {
            line.append(value)
            return
        }
        line.append("\"")
        for character in value.unicodeScalars {
            if character == "\"" { line.append("\"") }
            line.unicodeScalars.append(character)
        }
        line.append("\"")
    }
}
