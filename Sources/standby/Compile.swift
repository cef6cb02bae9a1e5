import ArgumentParser
import StandbyKit

/// Spec files: YAML, or JSON (which is YAML too).
let specCompletion = CompletionKind.file(extensions: ["yaml", "yml", "json"])

/// The spec a command reads: a path, or `-` for standard input.
struct SpecArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The spec; '-' reads standard input.", valueName: "spec"), completion: specCompletion)
    var path: String

    init() {}

    /// The spec's path as messages show it: `<stdin>` for standard input.
    var shown: String { path == "-" ? "<stdin>" : path }

    /// Reads the spec and decodes it without validating it (what `fix`,
    /// `place` and `runway` take: a job that cannot start is theirs to
    /// answer), or shows its errors and ends the command with `message`. With
    /// `inPlace`, first refuses a spec that cannot be rewritten: before
    /// reading, so a FIFO is never opened, a pipe never written.
    func decoded(_ input: InputOptions, inPlace: Bool, failing message: String) throws(CommandFailure) -> (SpecInput, Spec) {
        if inPlace { try InPlace.check(path) }
        let read = try readSource(path, maxBytes: input.limits.maxInputBytes)
        return (read, try input.decoded(read, failing: message))
    }
}

extension StateSelection: ExpressibleByArgument {}

/// `standby compile`: the start-up resource table.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Build the start-up resource table: region, size, owner and failover destination.")

    @OptionGroup var spec: SpecArgument

    @Option(help: "Which states to show: final (after every job started) or all (one per start-up step).")
    var states: StateSelection = .final

    @OptionGroup var format: FormatOption<CompileFormat>

    @OptionGroup var output: OutputOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        _ = try format.resolve(output)
    }

    func run() throws {
        let format = try format.resolve(output).outputFormat
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            let (compiled, read) = try compileSpec(spec.path, input: input)
            try output.write(inputs: read) { out in
                CompileRenderer.render(compiled, format: format, states: states, unit: output.unit, to: &out)
            }
            return .ok
        }
    }
}

/// Reads, checks and compiles a spec, showing its problems; throws when it has
/// errors. Also gives the identity of the file read, which the output must not be.
func compileSpec(_ path: String, input: InputOptions) throws(CommandFailure) -> (CompiledSpec, [FileIdentity]) {
    let read = try readSource(path, maxBytes: input.limits.maxInputBytes)
    let source = read.source
    let (compiled, diagnostics) = compileInput(read, limits: input.limits)
    input.report(diagnostics, in: source)
    guard let compiled, !input.fails(diagnostics) else {
        // With JSON diagnostics, standard error holds exactly one JSON document.
        throw CommandFailure(
            .specErrors,
            input.diagnosticsFormat.isDocument ? "" : "\(source.path) \(input.failure(diagnostics)); nothing written")
    }
    keepUntilExit(compiled)
    return (compiled, read.identities)
}
