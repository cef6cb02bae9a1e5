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
/// package, renderers may end rows with `endRow()` and hand several at once
/// to the stream with `flush(to:)`.)
package struct CSVWriter {
    /// The record separator.
    package static let lineEnding = "\r\n"

    /// The rows not yet handed to a stream; shared by copies until one writes.
    private var rows = FlatBuffer<UInt8>(capacity: 256)
    private var fields = 0

    package init() {}

    package mutating func field(_ value: String) {
        field(text: value)
    }

    package mutating func field(_ value: Int) {
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
    package mutating func endRow(to out: inout some TextOutputStream) {
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
    package mutating func row(_ values: [String], to out: inout some TextOutputStream) {
        for value in values { field(value) }
        endRow(to: &out)
    }

    /// `value` as one CSV field: quoted only when it has to be.
    package static func escaped(_ value: String) -> String {
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
