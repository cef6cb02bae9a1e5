// Byte helpers the JSON and CSV writers share: JSON newlines and escapes written straight into a buffer, the plain-text check, UTF-8 output streams.

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
/// build bytes need not make a `String` of them first.
///
/// The JSON and CSV renderers build their output as bytes; given a stream of
/// this kind (a file or pipe writer, say) they hand it those bytes directly,
/// and given any other `TextOutputStream` they write `String`s, with the same
/// text either way.
public protocol UTF8OutputStream: TextOutputStream {
    /// Writes `bytes`, which hold valid UTF-8.
    mutating func write(utf8 bytes: UnsafeRawBufferPointer)
}

/// A run of bytes made once for the program's run and never freed: a fixed
/// piece of a report that many records share (``CaseTemplate``).
///
/// Its storage is padded to whole blocks of ``block`` bytes, so that
/// ``ByteCursor/append(_:)`` copies it a block at a time, the last block
/// whole: a few stores, with no tail to copy byte by byte.
// Sendable: immutable, and its bytes are never written nor freed.
struct ByteRun: @unchecked Sendable {
    let start: UnsafePointer<UInt8>
    let count: Int

    static let block = 16

    /// `bytes`, copied where they never move nor are freed: make only a fixed,
    /// small set of runs.
    init(_ bytes: [UInt8]) {
        let padded = (bytes.count / Self.block + 1) * Self.block
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: padded)
        copy.initialize(repeating: 0, count: padded)
        copy.update(from: bytes, count: bytes.count)
        start = UnsafePointer(copy)
        count = bytes.count
    }

    init(_ text: String) { self.init(Array(text.utf8)) }
}

/// A place to write in a byte buffer with room ahead of it, for a record
/// written straight into the buffer: pieces of known length go in without a
/// check each, and the buffer learns what was written once, at ``commit()``.
///
/// The writer keeps `room` bytes free ahead of the place at all times
/// (``ensure(_:)`` before a piece of any length): a record's fixed pieces
/// then need no check. Only the one writer that made it may write the buffer
/// until it commits.
struct ByteCursor {
    // Unmanaged: a cursor lives within one call of the writer that owns the
    // buffer, and a strong reference would be retained and released per record.
    private let buffer: Unmanaged<FlatBuffer<UInt8>>
    private var p: UnsafeMutablePointer<UInt8>
    private var end: UnsafeMutablePointer<UInt8>
    /// The room kept free ahead of the place.
    let room: Int

    @inline(__always)
    init(_ bytes: FlatBuffer<UInt8>, room: Int) {
        buffer = Unmanaged.passUnretained(bytes)
        self.room = room
        p = bytes.reserve(room)
        end = p + bytes.spare
    }

    /// Makes sure that `n` bytes more than ``room`` are free ahead.
    @inline(__always)
    mutating func ensure(_ n: Int) {
        if end - p < n &+ room { regrow(n) }
    }

    private mutating func regrow(_ n: Int) {
        let needed = n + room
        buffer._withUnsafeGuaranteedRef { bytes in
            bytes.commit(upTo: p)
            p = bytes.reserve(needed)
            end = p + bytes.spare
        }
    }

    /// Appends `run`; the caller made sure of the room (at most ``room``
    /// bytes since the last ``ensure(_:)``, counting each run as a whole
    /// number of blocks). The run is copied in whole blocks: the bytes past
    /// its end are written too, and overwritten by whatever comes next.
    @inline(__always)
    mutating func append(_ run: ByteRun) {
        let source = UnsafeRawPointer(run.start)
        let target = UnsafeMutableRawPointer(p)
        var offset = 0
        repeat {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self), toByteOffset: offset, as: SIMD16<UInt8>.self)
            offset &+= ByteRun.block
        } while offset < run.count
        p += run.count
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        p.pointee = byte
        p += 1
    }

    /// Appends `n` bytes from `source`; the caller made sure of the room.
    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, count n: Int) {
        copyBytes(from: source, to: p, count: n)
        p += n
    }

    /// An integer in decimal (at most ``maxDecimalCount`` bytes: within ``room``).
    @inline(__always)
    mutating func decimal(_ value: Int) {
        p = writeDecimal(value, to: p)
    }

    /// Lends the buffer to `body`, which appends to it as usual, and stands
    /// after what it appended, with ``room`` free again.
    @inline(__always)
    mutating func appendThroughBuffer(_ body: (FlatBuffer<UInt8>) -> Void) {
        let room = self.room
        buffer._withUnsafeGuaranteedRef { bytes in
            bytes.commit(upTo: p)
            body(bytes)
            p = bytes.reserve(room)
            end = p + bytes.spare
        }
    }

    /// Counts what was written as appended to the buffer.
    @inline(__always)
    func commit() {
        buffer._withUnsafeGuaranteedRef { $0.commit(upTo: p) }
    }
}
