@testable import StandbyKit

/// Inline YAML with position markers, as swift-format's tests write them.
///
/// Write `1️⃣` (and `2️⃣` … `9️⃣`, `🔟`) just before the character a diagnostic
/// points at; ``text`` is the YAML without the markers and ``subscript(_:)``
/// gives each marker's 1-based line and column in it. Columns count Unicode
/// scalars, as the YAML reader does (for ordinary text, one per character).
struct MarkedText {
    /// The text with every marker removed.
    let text: String
    /// Marker number → where it stands in ``text``.
    let markers: [Int: SourceLocation]

    init(_ marked: String) {
        var clean = String.UnicodeScalarView()
        var markers: [Int: SourceLocation] = [:]
        var line = 1
        var column = 1
        let scalars = Array(marked.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            // A keycap marker is a digit, U+FE0F, U+20E3; 🔟 is U+1F51F.
            if s.properties.numericType != nil, s.value < 0x80, i + 2 < scalars.count,
                scalars[i + 1] == "\u{FE0F}", scalars[i + 2] == "\u{20E3}"
            {
                markers[Int(s.value) - 0x30] = SourceLocation(line: line, column: column)
                i += 3
                continue
            }
            if s == "\u{1F51F}" {
                markers[10] = SourceLocation(line: line, column: column)
                i += 1
                continue
            }
            clean.append(s)
            if s == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += 1
        }
        self.text = String(clean)
        self.markers = markers
    }

    /// Where marker `n` stands; `.start` (and a failing test) when it is not there.
    subscript(_ n: Int) -> SourceLocation {
        guard let location = markers[n] else {
            preconditionFailure("no marker \(n) in the text")
        }
        return location
    }

    /// The clean text as UTF-8 bytes, as the decoder reads them.
    var bytes: [UInt8] { Array(text.utf8) }
}
