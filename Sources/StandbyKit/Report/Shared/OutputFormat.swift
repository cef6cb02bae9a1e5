/// The formats reports are written in (`--format`).
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned tables for people.
    case text
    /// `format_version` 1.0 documents with sorted keys; sizes in bytes (`*_bytes`).
    case json
    /// RFC 4180, one header row, sizes in bytes.
    case csv
    /// GitHub-flavoured Markdown tables.
    case markdown
    /// One self-contained HTML page.
    case html
}

/// The version every JSON document carries as `format_version`. Field names
/// never change without a new major number; fields may be added.
public let jsonFormatVersion = "1.1"
