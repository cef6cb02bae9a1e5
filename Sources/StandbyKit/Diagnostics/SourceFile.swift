/// A spec's text as read, with a name to show for it (`<stdin>` for standard input).
///
/// The pipeline reads it and the diagnostics renderer shows excerpts of it.
public struct SourceFile: Sendable {
    /// The path as the user wrote it, or `<stdin>`.
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// Where each line of a source starts, found in one pass, for quick line lookups.
///
/// Lines end where libyaml ends them, so the excerpt shown under a diagnostic is
/// the line its number names: at LF, CR LF (one break), a lone CR, NEL (U+0085),
/// LS (U+2028) and PS (U+2029).
public struct LineIndex: Sendable {
    private let bytes: [UInt8]
    /// Byte offset of each line's first byte.
    private var starts: [Int] = [0]
    /// Byte offset where each line's text ends (its break excluded).
    private var ends: [Int] = []

    public init(_ source: SourceFile) {
        bytes = source.bytes
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            var width = 0
            switch b {
            case 0x0A: width = 1
            case 0x0D: width = i + 1 < n && bytes[i + 1] == 0x0A ? 2 : 1
            case 0xC2 where i + 1 < n && bytes[i + 1] == 0x85: width = 2
            case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                width = 3
            default: break
            }
            if width == 0 {
                i += 1
                continue
            }
            ends.append(i)
            i += width
            starts.append(i)
        }
        ends.append(n)
    }

    /// The number of lines (a final break starts one more, empty line).
    public var count: Int { starts.count }

    /// The byte range of a 1-based line, without its line break and without the
    /// byte order mark on line 1; `nil` past the end.
    public func range(ofLine number: Int) -> Range<Int>? {
        guard number >= 1, number <= starts.count else { return nil }
        var start = starts[number - 1]
        let end = ends[number - 1]
        // A byte order mark is not part of the first line as the user sees it.
        if number == 1 && end - start >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            start += 3
        }
        return start..<end
    }

    /// The text of a 1-based line, without its line end; `nil` past the end.
    public func line(_ number: Int) -> Substring? {
        guard let range = range(ofLine: number) else { return nil }
        return Substring(String(decoding: bytes[range], as: UTF8.self))
    }

    /// The bytes of the source.
    var source: [UInt8] { bytes }
}
