import ArgumentParser
import StandbyKit

/// The formats one command writes, as its `--format` accepts and its help
/// lists them: each command has its own enum, so no help offers a format the
/// command refuses.
protocol ReportFormat: RawRepresentable<String>, CaseIterable, ExpressibleByArgument {
    var outputFormat: OutputFormat { get }
    /// Every command writes text; the default when nothing names a format.
    static var text: Self { get }
}

extension ReportFormat {
    /// The report format of the same name: a command's report formats are
    /// named as the library names them (FormatTests checks every one); the
    /// findings formats of `plan` and `diff` say what they stand for.
    var outputFormat: OutputFormat { OutputFormat(rawValue: rawValue) ?? .text }

    /// This command's case for `format`, if the command writes it.
    static func named(_ format: OutputFormat) -> Self? {
        allCases.first { $0.outputFormat == format }
    }

    /// What each format is for, listed under `--format` in the help and the
    /// man page.
    static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, purpose($0.outputFormat)) })
    }

    /// Every format this command writes, as a sentence ("text, json or csv").
    static var list: String {
        let names = allCases.map(\.rawValue)
        guard names.count > 1 else { return names.joined() }
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    /// The format to write: `--format` if given, else the one `-o`'s extension
    /// names, else text.
    ///
    /// Refuses (status 64) a `--format` that contradicts a known extension
    /// (`-o r.html --format text`) and an extension naming a format this
    /// command does not write; an unknown extension is no contradiction.
    static func resolve(_ explicit: Self?, output: String?) throws -> Self {
        let implied = output.flatMap(formatImplied(byName:))
        if let explicit {
            if let implied, implied.format != explicit.outputFormat {
                throw ValidationError(
                    "--format \(explicit.rawValue) contradicts the output's extension '\(implied.extension)', "
                        + "which means \(implied.format.rawValue); drop --format or rename the output")
            }
            return explicit
        }
        guard let implied else { return .text }
        guard let format = named(implied.format) else {
            throw ValidationError(
                "the output's extension '\(implied.extension)' means \(implied.format.rawValue), "
                    + "which this command does not write; use \(list)")
        }
        return format
    }
}

/// What a format is for, in a few words (README's Formats table says more).
func purpose(_ format: OutputFormat) -> String {
    switch format {
    case .text: "aligned tables for people (.txt)"
    case .json: "format_version \(jsonFormatVersion) documents for tools (.json)"
    case .csv: "RFC 4180 rows with a header, for spreadsheets (.csv)"
    case .markdown: "GitHub Markdown tables (.md, .markdown)"
    case .html: "one self-contained page with charts (.html, .htm)"
    }
}

/// The format an output file's extension names (case-insensitive), with the
/// extension as written; `nil` for standard output, no extension or one that
/// names no format.
func formatImplied(byName path: String) -> (format: OutputFormat, extension: String)? {
    guard let ext = fileExtension(path) else { return nil }
    let format: OutputFormat
    switch ext.dropFirst().lowercased() {
    case "txt", "text": format = .text
    case "json": format = .json
    case "csv": format = .csv
    case "md", "markdown": format = .markdown
    case "html", "htm": format = .html
    default: return nil
    }
    return (format, ext)
}

/// The extension of an output's file name as written (`.json`), or `nil` for
/// standard output, a name without one, or a hidden file's leading dot.
func fileExtension(_ path: String) -> String? {
    guard path != "-" else { return nil }
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    return String(name[dot...])
}

/// The formats of `compile`: every table format, no HTML report.
enum CompileFormat: String, ReportFormat {
    case text, json, csv, markdown
}

/// The formats of a report with neither rows for a spreadsheet nor a page:
/// `tolerate` and `headroom`.
enum BasicFormat: String, ReportFormat {
    case text, json, markdown
}

/// `--format` of a command that writes reports: when absent, the format
/// `-o`'s extension names, else text.
struct FormatOption<Format: ReportFormat>: ParsableArguments {
    @Option(help: "Output format (default: from -o's extension, else text).")
    var format: Format?

    init() {}

    /// The format to write to `output`'s `-o` (``ReportFormat/resolve(_:output:)``).
    func resolve(_ output: OutputOptions) throws -> Format {
        try Format.resolve(format, output: output.output)
    }
}

extension FormatOption where Format: FindingsFormat {
    /// The format to write to `output`'s `-o`, a findings format among them
    /// (``FindingsFormat/resolveWithFindings(_:output:)``).
    func resolveWithFindings(_ output: OutputOptions) throws -> Format {
        try Format.resolveWithFindings(format, output: output.output)
    }
}

/// The formats of a command that writes CI findings (SARIF 2.1.0, GitHub
/// workflow commands) beside its reports: `plan` and `diff`.
protocol FindingsFormat: ReportFormat {
    /// Whether this is a findings format rather than a report.
    var isFindings: Bool { get }
    static var sarif: Self { get }
}

extension FindingsFormat {
    var isFindings: Bool { rawValue == "sarif" || rawValue == "github" }

    /// The report format; the findings formats are written from the
    /// command's findings instead, and stand for no report (JSON, for the
    /// checks that read it).
    var outputFormat: OutputFormat { isFindings ? .json : OutputFormat(rawValue: rawValue) ?? .text }

    /// As ``ReportFormat/resolve(_:output:)``, with `.sarif` for SARIF.
    static func resolveWithFindings(_ explicit: Self?, output: String?) throws -> Self {
        if let output, fileExtension(output)?.lowercased() == ".sarif" {
            if let explicit, explicit != .sarif {
                throw ValidationError("--format \(explicit.rawValue) contradicts the output's extension '.sarif'; drop --format or rename the output")
            }
            return .sarif
        }
        if let explicit, explicit.isFindings { return explicit }
        return try resolve(explicit, output: output)
    }
}

/// The formats of `plan`: the tables, the HTML report, and the uncovered
/// cases as CI findings (SARIF 2.1.0, GitHub workflow commands).
enum PlanFormat: String, FindingsFormat {
    case text, json, csv, markdown, html, sarif, github

    static var allValueDescriptions: [String: String] {
        var descriptions = Dictionary(
            uniqueKeysWithValues: allCases.filter { !$0.isFindings }.map { ($0.rawValue, purpose($0.outputFormat)) })
        descriptions["sarif"] = "SARIF 2.1.0: one result per case not covered, on the line of its OS or job (code scanning)"
        descriptions["github"] = "GitHub workflow commands: one annotation per case not covered"
        return descriptions
    }
}
