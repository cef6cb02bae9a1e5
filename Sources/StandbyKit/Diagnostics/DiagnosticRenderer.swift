/// A spec's text as read, with a name to show for it (`<stdin>` for standard input).
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
public struct LineIndex: Sendable {
    private let source: SourceFile
    private var starts: [Int] = [0]

    public init(_ source: SourceFile) {
        self.source = source
        for (i, b) in source.bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
    }

    /// The text of a 1-based line, without its line end; `nil` past the end.
    public func line(_ number: Int) -> Substring? {
        guard number >= 1, number <= starts.count else { return nil }
        let bytes = source.bytes
        let start = starts[number - 1]
        guard start <= bytes.count else { return nil }
        var end = number < starts.count ? starts[number] - 1 : bytes.count
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        var text = Substring(String(decoding: bytes[start..<end], as: UTF8.self))
        // A byte order mark is not part of the first line as the user sees it.
        if number == 1 && text.first == "\u{FEFF}" { text = text.dropFirst() }
        return text
    }
}

/// Writes diagnostics the way swiftc does:
///
/// ```
/// spec.yaml:12:9: error: unknown key 'memroy' [unknown-key]
///         memroy: 256Mi
///         ^
/// spec.yaml:12:9: note: did you mean 'memory'?
/// ```
public enum DiagnosticRenderer {
    /// ANSI styles, used only when the caller says the output is a colour terminal.
    struct Style {
        var enabled: Bool
        func bold(_ s: String) -> String { enabled ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
        func severity(_ s: Diagnostic.Severity) -> String {
            guard enabled else { return s.rawValue + ":" }
            switch s {
            case .error: return "\u{1B}[1;31merror:\u{1B}[0m"
            case .warning: return "\u{1B}[1;35mwarning:\u{1B}[0m"
            }
        }
        func note() -> String { enabled ? "\u{1B}[1;90mnote:\u{1B}[0m" : "note:" }
        func marker() -> String { enabled ? "\u{1B}[1;32m^\u{1B}[0m" : "^" }
    }

    /// Renders `diagnostics` (already in the order to show) for one file.
    public static func renderText(
        _ diagnostics: [Diagnostic], in source: SourceFile, color: Bool = false,
        to out: inout some TextOutputStream
    ) {
        let style = Style(enabled: color)
        let lines = diagnostics.isEmpty ? nil : LineIndex(source)
        for d in diagnostics {
            let at = "\(source.path):\(d.location.line):\(d.location.column):"
            out.write(
                "\(style.bold(at)) \(style.severity(d.severity)) \(style.bold(d.message)) [\(d.code)]\n")
            if let line = lines?.line(d.location.line), !line.isEmpty {
                out.write(String(line))
                out.write("\n")
                // Keep tabs so the marker lines up under tab-indented text.
                var pad = ""
                for ch in line.prefix(max(0, d.location.column - 1)) {
                    pad.append(ch == "\t" ? "\t" : " ")
                }
                out.write(pad + style.marker() + "\n")
            }
            for note in d.notes {
                if let l = note.location {
                    out.write("\(style.bold("\(source.path):\(l.line):\(l.column):")) \(style.note()) \(note.message)\n")
                } else {
                    out.write("\(style.note()) \(note.message)\n")
                }
            }
        }
    }

    /// One line summing up a file: `spec.yaml: 2 errors, 1 warning` or `spec.yaml: valid`.
    public static func summary(_ diagnostics: Diagnostics, path: String) -> String {
        let e = diagnostics.errorCount
        let w = diagnostics.warningCount
        var parts: [String] = []
        if e > 0 { parts.append("\(e) error\(e == 1 ? "" : "s")") }
        if w > 0 { parts.append("\(w) warning\(w == 1 ? "" : "s")") }
        return parts.isEmpty ? "\(path): valid" : "\(path): " + parts.joined(separator: ", ")
    }
}
