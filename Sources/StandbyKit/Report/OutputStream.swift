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
/// The writer appends to its own buffer; call ``flush(to:)`` whenever a
/// self-contained piece is done (a region, a state) so the buffer stays small.
public struct JSONWriter {
    private enum Container {
        case object, array
    }

    private struct Level {
        var container: Container
        var count = 0
        /// The previous key of an object, to check that keys come sorted.
        var lastKey: String?
    }

    /// What has been written since the last flush.
    public private(set) var buffer = ""
    private var levels: [Level] = []
    /// A key was written and its value is due.
    private var afterKey = false
    private var indents: [String] = [""]

    public init() {
        buffer.reserveCapacity(4096)
    }

    /// Whether the top-level value is complete (and its newline written).
    public private(set) var isComplete = false

    /// Hands what was written so far to `out` and empties the buffer.
    public mutating func flush(to out: inout some TextOutputStream) {
        guard !buffer.isEmpty else { return }
        out.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: Containers

    public mutating func beginObject() {
        beginValue()
        buffer.append("{")
        levels.append(Level(container: .object))
    }

    public mutating func endObject() {
        assert(levels.last?.container == .object && !afterKey, "endObject outside an object or after a key")
        end(close: "}")
    }

    public mutating func beginArray() {
        beginValue()
        buffer.append("[")
        levels.append(Level(container: .array))
    }

    public mutating func endArray() {
        assert(levels.last?.container == .array, "endArray outside an array")
        end(close: "]")
    }

    /// Writes an object member's key; the next value written is its value.
    public mutating func key(_ key: String) {
        let depth = levels.count
        guard depth > 0 else {
            assertionFailure("a key outside an object")
            return
        }
        assert(levels[depth - 1].container == .object && !afterKey, "a key outside an object or after a key")
        if let last = levels[depth - 1].lastKey {
            assert(last.utf8.lexicographicallyPrecedes(key.utf8), "keys out of order: '\(last)' before '\(key)'")
        }
        levels[depth - 1].lastKey = key
        if levels[depth - 1].count > 0 { buffer.append(",") }
        levels[depth - 1].count += 1
        buffer.append("\n")
        buffer.append(indent(depth))
        appendQuoted(key)
        buffer.append(": ")
        afterKey = true
    }

    // MARK: Scalars

    public mutating func string(_ value: String) {
        beginValue()
        appendQuoted(value)
        endScalar()
    }

    public mutating func int(_ value: Int) {
        beginValue()
        buffer.append(String(value))
        endScalar()
    }

    public mutating func bool(_ value: Bool) {
        beginValue()
        buffer.append(value ? "true" : "false")
        endScalar()
    }

    public mutating func null() {
        beginValue()
        buffer.append("null")
        endScalar()
    }

    /// An exact fixed-point number: `scaled / 10^decimals` with exactly `decimals`
    /// digits after the point (`decimal(385, decimals: 1)` is `38.5`,
    /// `decimal(5, decimals: 2)` is `0.05`). `decimals` of 0 writes an integer.
    public mutating func decimal(_ scaled: Int, decimals: Int) {
        beginValue()
        buffer.append(Self.fixedPoint(scaled, decimals: decimals))
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
            buffer.append(value.description)
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

    // MARK: Escaping

    /// `value` as a JSON string literal, quotes included.
    public static func quoted(_ value: String) -> String {
        var writer = JSONWriter()
        writer.appendQuoted(value)
        return writer.buffer
    }

    private mutating func appendQuoted(_ value: String) {
        buffer.append("\"")
        // Every character JSON requires escaping is ASCII, and no byte of a
        // multi-byte UTF-8 sequence is below 0x80, so a byte scan finds them all
        // and every cut falls on a character boundary.
        let utf8 = value.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.append(contentsOf: value[start..<index])
                buffer.append(Self.escape(byte))
                index = utf8.index(after: index)
                start = index
            } else {
                index = utf8.index(after: index)
            }
        }
        buffer.append(contentsOf: value[start..<utf8.endIndex])
        buffer.append("\"")
    }

    private static let hexDigits = Array("0123456789abcdef")

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "\\"): return "\\\\"
        case 0x08: return "\\b"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0C: return "\\f"
        case 0x0D: return "\\r"
        default:
            return "\\u00" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0x0F)])
        }
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

    private mutating func indent(_ depth: Int) -> String {
        while indents.count <= depth {
            indents.append(String(repeating: " ", count: 2 * indents.count))
        }
        return indents[depth]
    }

    /// Separator and indentation before a value: nothing after a key, else a new
    /// line inside an array.
    private mutating func beginValue() {
        assert(!isComplete, "a second top-level value")
        if afterKey {
            afterKey = false
            return
        }
        let depth = levels.count
        guard depth > 0 else { return }
        assert(levels[depth - 1].container == .array, "a value in an object without a key")
        if levels[depth - 1].count > 0 { buffer.append(",") }
        levels[depth - 1].count += 1
        buffer.append("\n")
        buffer.append(indent(depth))
    }

    private mutating func end(close: String) {
        guard let level = levels.popLast() else { return }
        if level.count > 0 {
            buffer.append("\n")
            buffer.append(indent(levels.count))
        }
        buffer.append(close)
        endScalar()
    }

    private mutating func endScalar() {
        if levels.isEmpty {
            buffer.append("\n")
            isComplete = true
        }
    }
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
