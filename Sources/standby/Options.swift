import ArgumentParser
import StandbyKit
import YAMLReader
import SystemPackage

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

enum DiagnosticsFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github

    /// Whether the problems of every file go into one document, written once
    /// they are all known (JSON, SARIF), or as they come.
    var isDocument: Bool { self == .json || self == .sarif }
}

extension Size.Unit: ExpressibleByArgument {
    /// A unit as the user writes it, in any case (`gib`, `GiB`, `GIB`).
    public init?(argument: String) {
        guard let unit = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) else { return nil }
        self = unit
    }
}

/// How specs are read and problems shown; shared by every command.
struct InputOptions: ParsableArguments {
    @Option(help: "How to show problems: text (swiftc style), json, sarif (SARIF 2.1.0) or github (workflow commands).")
    var diagnosticsFormat: DiagnosticsFormat = .text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Colour problems: auto (only on a terminal, never with NO_COLOR or TERM=dumb), always, never.")
    var color: ColorChoice = .auto

    @Option(help: ArgumentHelp("Refuse specs larger than this many bytes.", valueName: "bytes"))
    var maxInputBytes: Int = YAMLLimits.default.maxInputBytes

    @Option(help: ArgumentHelp("Refuse collections nested deeper than this.", valueName: "levels"))
    var maxDepth: Int = YAMLLimits.default.maxDepth

    @Option(
        help: ArgumentHelp(
            "Refuse aliases and merges expanding to more nodes than this (or than the input's size in bytes, if larger).",
            valueName: "nodes"))
    var maxAliasNodes: Int = YAMLLimits.default.maxAliasExpansion

    mutating func validate() throws {
        guard maxInputBytes > 0 else { throw ValidationError("--max-input-bytes must be above 0") }
        guard maxDepth > 0 else { throw ValidationError("--max-depth must be above 0") }
        guard maxAliasNodes >= 0 else { throw ValidationError("--max-alias-nodes must not be negative") }
    }

    var limits: YAMLLimits {
        YAMLLimits(maxInputBytes: maxInputBytes, maxDepth: maxDepth, maxAliasExpansion: maxAliasNodes)
    }

    /// Whether problems on standard error get colour.
    var colorStandardError: Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = Platform.environment("NO_COLOR"), !noColor.isEmpty { return false }
            if Platform.environment("TERM") == "dumb" { return false }
            return Platform.isTerminal(.standardError)
        }
    }

    /// Whether these diagnostics stop the command.
    func fails(_ diagnostics: Diagnostics) -> Bool {
        diagnostics.hasErrors || (strict && diagnostics.warningCount > 0)
    }

    /// What stopped the command, for its closing message: `has errors`, or,
    /// when only `--strict` made warnings fail it, says so.
    func failure(_ diagnostics: Diagnostics) -> String {
        guard !diagnostics.hasErrors, strict, diagnostics.warningCount > 0 else { return "has errors" }
        let n = diagnostics.warningCount
        return "has \(n) \(n == 1 ? "warning" : "warnings"), which --strict makes errors"
    }

    /// Shows a file's problems on standard error, in the chosen format.
    func report(_ diagnostics: Diagnostics, in source: SourceFile) {
        report([(diagnostics, source)])
    }

    /// Shows the problems of several files on standard error: one document for
    /// all of them in JSON and SARIF.
    func report(_ files: [(diagnostics: Diagnostics, source: SourceFile)]) {
        guard files.contains(where: { !$0.diagnostics.isEmpty }) || diagnosticsFormat.isDocument else { return }
        var err = StandardError()
        switch diagnosticsFormat {
        case .text:
            for file in files {
                DiagnosticRenderer.renderText(file.diagnostics.sorted, in: file.source, color: colorStandardError, to: &err)
            }
        default:
            render(files.map { ($0.source.path, $0.diagnostics) }, to: &err)
        }
    }

    /// Writes problems as a document (JSON, SARIF) or annotations (GitHub).
    func render(_ files: [(path: String, diagnostics: Diagnostics)], to out: inout some TextOutputStream) {
        switch diagnosticsFormat {
        case .text: break
        case .json: DiagnosticRenderer.renderJSON(files, to: &out)
        case .sarif: FindingRenderer.renderSARIF(Finding.all(files), to: &out)
        case .github: FindingRenderer.renderGitHub(Finding.all(files), to: &out)
        }
    }
}

/// Where and how a report is written.
struct OutputOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Write to this file (whole or not at all; a device or FIFO is written in place); '-' for standard output. Its extension (.json, .csv, .md, .html, .txt) sets the format when --format is absent.",
            valueName: "file"),
        completion: .file())
    var output: String?

    @Option(help: "Unit for sizes in text and Markdown (JSON and CSV are always bytes).")
    var unit: Size.Unit = .auto

    /// Writes to `-o` or standard output (``writeOutput(_:inputs:_:)``).
    func write(inputs: [FileIdentity], _ render: (inout SinkStream) -> Void) throws(CommandFailure) {
        try writeOutput(output, inputs: inputs, render)
    }
}

/// Writes to the file `output` (whole or not at all) or, for `nil` or `-`,
/// to standard output: opens the sink, renders into it, and commits it.
/// `inputs`: the specs read, which the output must not replace.
func writeOutput(_ output: String?, inputs: [FileIdentity], _ render: (inout SinkStream) -> Void) throws(CommandFailure) {
    let sink: OutputSink
    if let output, output != "-" {
        sink = try OutputSink.file(output, inputs: inputs)
    } else {
        sink = .standardOutput()
    }
    var stream = SinkStream(sink: sink)
    render(&stream)
    try sink.commit()
}

/// The formats of a command that can write the spec itself (`fix`, `place`),
/// with what its `--format`, `-o` and `--in-place` say in its help.
protocol SpecFormat: RawRepresentable<String>, CaseIterable, ExpressibleByArgument, Equatable {
    /// The spec with the change: what `--in-place` writes.
    static var yaml: Self { get }
    /// The format an output's extension names (lower case, without the dot).
    static func implied(byExtension ext: String) -> Self?
    /// The format when neither `--format` nor `-o` names one.
    static func fallback(inPlace: Bool) -> Self
    /// What a format other than the spec writes, refusing `--in-place`.
    static var notTheSpec: String { get }
    static var formatHelp: String { get }
    static var outputHelp: String { get }
    static var inPlaceHelp: String { get }
}

/// `--format`, `-o` and `--in-place` of a command that can write the spec
/// itself (`fix`, `place`).
struct SpecOutputOptions<Format: SpecFormat>: ParsableArguments {
    @Option(help: ArgumentHelp(Format.formatHelp))
    var format: Format?

    @Option(name: [.short, .long], help: ArgumentHelp(Format.outputHelp, valueName: "file"), completion: .file())
    var output: String?

    @Flag(help: ArgumentHelp(Format.inPlaceHelp))
    var inPlace = false

    init() {}

    /// The format to write: `--format`, else the one `-o`'s extension names,
    /// else the command's fallback. Refuses a `--format` that the extension
    /// contradicts.
    func resolve() throws -> Format {
        let implied = output.flatMap(fileExtension).flatMap { Format.implied(byExtension: $0.dropFirst().lowercased()) }
        if let format, let implied, format != implied {
            throw ValidationError("--format \(format.rawValue) contradicts the output's extension, which means \(implied.rawValue)")
        }
        return format ?? implied ?? Format.fallback(inPlace: inPlace)
    }

    /// ``resolve()``, refusing `--in-place` with `-o`, with the spec `spec`
    /// on standard input, or with a format that is not the spec.
    func validate(spec: String) throws -> Format {
        let format = try resolve()
        if inPlace {
            try InPlace.validate(spec: spec, output: output)
            guard format == .yaml else {
                throw ValidationError("--in-place writes the spec; --format \(format.rawValue) writes \(Format.notTheSpec)")
            }
        }
        return format
    }
}
