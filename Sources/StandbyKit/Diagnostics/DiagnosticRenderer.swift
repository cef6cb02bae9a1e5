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

    /// At most this many diagnostics are written as text per file; the rest are
    /// counted in one closing line (JSON keeps every one).
    public static let maxTextDiagnostics = 200
    /// Text output per file stops at the first diagnostic that starts past this
    /// many bytes. Each diagnostic is bounded (a message and each note at most
    /// ``maxMessageWidth`` columns, an excerpt at most ``excerptWidth``), so the
    /// output is too, whatever the input.
    public static let maxTextBytes = 1 << 20
    /// Widest excerpt, in columns, cut with `…` on the sides it leaves out.
    public static let excerptWidth = 120
    /// Widest message or note, in columns; a longer one ends in `…`.
    public static let maxMessageWidth = 400

    /// Renders `diagnostics` (already in the order to show) for one file.
    ///
    /// Every control character and bidirectional control in a message, a note,
    /// the path or an excerpt is written as an escape such as `\u{1B}`, so no
    /// input can move the cursor, recolour the terminal or reorder what it shows;
    /// a tab stays a tab only in an excerpt, where the caret line repeats it.
    public static func renderText(
        _ diagnostics: [Diagnostic], in source: SourceFile, color: Bool = false,
        to out: inout some TextOutputStream
    ) {
        let style = Style(enabled: color)
        var excerpts = diagnostics.isEmpty ? nil : Excerpts(LineIndex(source))
        let path = TerminalText.escaped(source.path)
        var written = 0
        for (shown, d) in diagnostics.enumerated() {
            if shown == maxTextDiagnostics || written >= maxTextBytes {
                out.write(omitted(diagnostics[shown...]))
                return
            }
            var text = ""
            let at = "\(path):\(d.location.line):\(d.location.column):"
            text += "\(style.bold(at)) \(style.severity(d.severity)) \(style.bold(TerminalText.shown(d.message))) [\(d.code)]\n"
            if let excerpt = excerpts?.excerpt(at: d.location) {
                text += excerpt.text + "\n" + excerpt.pad + style.marker() + "\n"
            }
            for note in d.notes {
                if let l = note.location {
                    text += "\(style.bold("\(path):\(l.line):\(l.column):")) \(style.note()) \(TerminalText.shown(note.message))\n"
                } else {
                    text += "\(style.note()) \(TerminalText.shown(note.message))\n"
                }
            }
            written += text.utf8.count
            out.write(text)
        }
    }

    /// The closing line for the diagnostics not shown.
    static func omitted(_ rest: ArraySlice<Diagnostic>) -> String {
        let errors = rest.count(where: { $0.severity == .error })
        let warnings = rest.count - errors
        var parts: [String] = []
        if errors > 0 { parts.append("\(errors) more error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { parts.append("\(warnings) more warning\(warnings == 1 ? "" : "s")") }
        return "… and \(parts.joined(separator: " and ")) not shown; use --diagnostics-format json for all\n"
    }

    /// One line summing up a file: `spec.yaml: 2 errors, 1 warning` or `spec.yaml: valid`.
    package static func summary(_ diagnostics: Diagnostics, path: String) -> String {
        let e = diagnostics.errorCount
        let w = diagnostics.warningCount
        var parts: [String] = []
        if e > 0 { parts.append("\(e) error\(e == 1 ? "" : "s")") }
        if w > 0 { parts.append("\(w) warning\(w == 1 ? "" : "s")") }
        // The path is the user's, and may hold anything a file name can.
        let path = TerminalText.escaped(path)
        return parts.isEmpty ? "\(path): valid" : "\(path): " + parts.joined(separator: ", ")
    }
}
