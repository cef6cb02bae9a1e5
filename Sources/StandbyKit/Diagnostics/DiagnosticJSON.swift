extension DiagnosticRenderer {
    /// Renders the problems of several files as one JSON document
    /// (`schemas/diagnostics.schema.json`):
    ///
    /// ```json
    /// {"diagnostics": [{"code", "column", "file", "line", "message", "notes": [...], "severity"}],
    ///  "error_count": 1, "files": [{"error_count", "path", "valid", "warning_count"}],
    ///  "format_version": "1.0", "warning_count": 0}
    /// ```
    ///
    /// Diagnostics are listed file by file, each file's in source order; each
    /// message and note is cut as the text cuts it (`TerminalText.capped(_:)`).
    public static func renderJSON(
        _ files: [(path: String, diagnostics: Diagnostics)], to out: inout some TextOutputStream
    ) {
        var json = JSONWriter.report { json in
            json.key("diagnostics")
            json.beginArray()
            for (path, diagnostics) in files {
                for d in diagnostics.sorted {
                    json.beginObject()
                    json.field("code", d.code.rawValue)
                    json.field("column", d.location.column)
                    json.field("file", path)
                    json.field("line", d.location.line)
                    json.field("message", TerminalText.capped(d.message))
                    json.objects("notes", d.notes) { json, note in
                        if let l = note.location {
                            json.field("column", l.column)
                            json.field("line", l.line)
                        }
                        json.field("message", TerminalText.capped(note.message))
                    }
                    json.field("severity", d.severity.rawValue)
                    json.endObject()
                }
                json.flush(to: &out)
            }
            json.endArray()
            json.field("error_count", files.reduce(0) { $0 + $1.diagnostics.errorCount })
            json.objects("files", files) { json, file in
                json.field("error_count", file.diagnostics.errorCount)
                json.field("path", file.path)
                json.field("valid", !file.diagnostics.hasErrors)
                json.field("warning_count", file.diagnostics.warningCount)
            }
        }
        json.field("warning_count", files.reduce(0) { $0 + $1.diagnostics.warningCount })
        json.finish(to: &out)
    }
}
