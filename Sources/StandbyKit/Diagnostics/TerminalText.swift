/// Text from the input made safe to show on a terminal.
///
/// A spec's keys and values end up in messages and excerpts; written raw, an
/// escape sequence in them could move the cursor or recolour the terminal, and
/// a bidirectional control could reorder what the reader sees. Every such
/// scalar is shown as a Swift-style escape, `\u{1B}`: C0 controls (tab too,
/// outside excerpts), DEL, C1 controls, the line and paragraph separators, and
/// the bidirectional marks, embeddings, overrides and isolates.
package enum TerminalText {
    /// `true` for a scalar that is never written raw.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The escape that stands for an unsafe scalar: `\u{1B}`.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    }

    /// `text` with every unsafe scalar escaped (tabs too unless `keepTabs`).
    package static func escaped(_ text: some StringProtocol, keepTabs: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) }) else { return String(text) }
        var out = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) && !(keepTabs && scalar == "\t") {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A message or note as shown: escaped, and cut to
    /// ``DiagnosticRenderer/maxMessageWidth`` columns with a final `…`, so a
    /// megabyte-long key quoted in a message does not become a megabyte of output.
    static func shown(_ message: String) -> String {
        let limit = DiagnosticRenderer.maxMessageWidth
        // Fast path: short and clean, as nearly every message is.
        if message.utf8.count <= limit && !message.unicodeScalars.contains(where: { isUnsafe($0) }) {
            return message
        }
        var out = ""
        var width = 0
        for scalar in message.unicodeScalars {
            let piece = isUnsafe(scalar) ? escape(scalar) : String(scalar)
            let w = isUnsafe(scalar) ? piece.utf8.count : 1
            if width + w > limit {
                out += "…"
                break
            }
            out += piece
            width += w
        }
        return out
    }

    /// A message or note as the machine-readable formats (JSON, SARIF, GitHub)
    /// write it: cut to ``DiagnosticRenderer/maxMessageWidth`` scalars with a
    /// final `…`, as the text cuts it, but not escaped (those formats escape
    /// for themselves). A value a message echoes (a long key or scalar, read
    /// again through every alias of it) then costs at most that width per
    /// message, in every format alike.
    static func capped(_ message: String) -> String {
        let limit = DiagnosticRenderer.maxMessageWidth
        guard message.utf8.count > limit else { return message }
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in message.unicodeScalars {
            if count == limit { return String(out) + "…" }
            out.append(scalar)
            count += 1
        }
        return message
    }

    /// How many columns a scalar takes in an excerpt: its escape's length when
    /// escaped, else one (a tab is kept, and repeated in the caret line).
    static func width(_ scalar: Unicode.Scalar) -> Int {
        isUnsafe(scalar) && scalar != "\t" ? escape(scalar).utf8.count : 1
    }
}

/// The excerpts under diagnostics: a window of at most
/// ``DiagnosticRenderer/excerptWidth`` columns of the line around the column,
/// with the caret line under it.
///
/// Finding a column's byte in a line costs a scan from the line's start; the
/// last position found is kept, so diagnostics in source order along one long
/// line (a one-line JSON spec with thousands of findings) cost one pass over
/// the line in all, not one per diagnostic.
struct Excerpts {
    let lines: LineIndex
    private var cursor: (line: Int, column: Int, offset: Int) = (0, 0, 0)

    init(_ lines: LineIndex) {
        self.lines = lines
    }

    /// The excerpt and the padding that puts a caret under `location`'s column;
    /// `nil` for an empty line or a line past the end.
    mutating func excerpt(at location: SourceLocation) -> (text: String, pad: String)? {
        guard let range = lines.range(ofLine: location.line), !range.isEmpty else { return nil }
        let bytes = lines.source
        let column = max(1, location.column)
        var (c, i) = (1, range.lowerBound)
        if cursor.line == location.line && cursor.column <= column { (c, i) = (cursor.column, cursor.offset) }
        while c < column && i < range.upperBound {
            i += Self.scalarLength(bytes[i])
            c += 1
        }
        i = min(i, range.upperBound)
        cursor = (location.line, c, i)

        // Bytes enough for the window on either side (4 bytes per scalar at
        // most), started and ended on scalar boundaries.
        let half = DiagnosticRenderer.excerptWidth / 2
        var left = max(range.lowerBound, i - 4 * half)
        while left < i && bytes[left] & 0xC0 == 0x80 { left += 1 }
        var right = min(range.upperBound, i + 4 * DiagnosticRenderer.excerptWidth)
        while right < range.upperBound && bytes[right] & 0xC0 == 0x80 { right += 1 }
        let before = Array(String(decoding: bytes[left..<i], as: UTF8.self).unicodeScalars)
        let after = Array(String(decoding: bytes[i..<right], as: UTF8.self).unicodeScalars)

        // Up to half the width before the caret, the rest after it.
        var width = 0
        var first = before.count
        while first > 0 && width + TerminalText.width(before[first - 1]) <= half {
            first -= 1
            width += TerminalText.width(before[first])
        }
        var end = 0
        while end < after.count && width + TerminalText.width(after[end]) <= DiagnosticRenderer.excerptWidth {
            width += TerminalText.width(after[end])
            end += 1
        }
        let cutLeft = first > 0 || left > range.lowerBound
        let cutRight = end < after.count || right < range.upperBound
        var text = cutLeft ? "…" : ""
        var pad = cutLeft ? " " : ""
        for scalar in before[first...] {
            text += TerminalText.escaped(String(scalar), keepTabs: true)
            pad += scalar == "\t" ? "\t" : String(repeating: " ", count: TerminalText.width(scalar))
        }
        for scalar in after[..<end] { text += TerminalText.escaped(String(scalar), keepTabs: true) }
        if cutRight { text += "…" }
        return (text, pad)
    }

    /// The length of the UTF-8 sequence a lead byte starts (1 for a stray byte).
    private static func scalarLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF7: return 4
        case 0xE0...0xEF: return 3
        case 0xC0...0xDF: return 2
        default: return 1
        }
    }
}
