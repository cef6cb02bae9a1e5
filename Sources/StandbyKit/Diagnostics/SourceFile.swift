/// A spec's text as read, with a name to show for it (`<stdin>` for standard input).
///
/// The pipeline reads it and the diagnostics renderer shows excerpts of it.
public struct SourceFile: Sendable {
    /// The path as the user wrote it, or `<stdin>`.
    public var path: String
    /// The text as read, byte for byte: UTF-8 (or UTF-16 or UTF-32 with a byte
    /// order mark, which libyaml reads too).
    public var bytes: [UInt8]

    /// The text `bytes`, named `path` in diagnostics.
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

    /// The index of `source`'s lines, made in one pass over its bytes.
    public init(_ source: SourceFile) {
        bytes = source.bytes
        var i = 0
        let n = bytes.count
        while i < n {
            let width = Self.lineBreakWidth(bytes, at: i)
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

    /// The length in bytes of the line break at byte `i` of UTF-8 `bytes`, or 0
    /// when none starts there: LF, CR LF (one break), a lone CR, NEL (C2 85),
    /// LS (E2 80 A8) and PS (E2 80 A9). These are libyaml's breaks (its
    /// `IS_BREAK`), and it counts every one of them as a new line wherever it
    /// meets it — between tokens, in comments, in every style of scalar —, so
    /// the lines and columns of its marks count them all.
    static func lineBreakWidth(_ bytes: [UInt8], at i: Int) -> Int {
        let n = bytes.count
        switch bytes[i] {
        case 0x0A: return 1
        case 0x0D: return i + 1 < n && bytes[i + 1] == 0x0A ? 2 : 1
        case 0xC2 where i + 1 < n && bytes[i + 1] == 0x85: return 2
        case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9): return 3
        default: return 0
        }
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
