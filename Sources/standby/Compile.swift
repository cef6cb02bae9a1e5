import ArgumentParser
import StandbyKit

extension StateSelection: ExpressibleByArgument {}

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Build the start-up resource table: region, size, owner and failover destination.")

    @Argument(help: ArgumentHelp("The spec; '-' reads standard input.", valueName: "spec"))
    var spec: String

    @Option(help: "Which states to show: final (after every job started) or all (one per start-up step).")
    var states: StateSelection = .final

    @Option(help: "Output format: text, json, csv or markdown.")
    var format: OutputFormat = .text

    @OptionGroup var output: OutputOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        if format == .html {
            throw ValidationError("compile has no html format; use text, json, csv or markdown")
        }
    }

    func run() throws {
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            let compiled = try compileSpec(spec, input: input)
            try output.write { out in
                CompileRenderer.render(compiled, format: format, states: states, unit: output.unit, to: &out)
            }
            return .ok
        }
    }
}

/// Reads, checks and compiles a spec, showing its problems; throws when it has errors.
func compileSpec(_ path: String, input: InputOptions) throws(CommandFailure) -> CompiledSpec {
    let source = try readSource(path, maxBytes: input.limits.maxInputBytes)
    let (compiled, diagnostics) = Pipeline.compile(source, limits: input.limits)
    input.report(diagnostics, in: source)
    guard let compiled, !input.fails(diagnostics) else {
        // With JSON diagnostics, standard error holds exactly one JSON document.
        throw CommandFailure(
            .specErrors,
            input.diagnosticsFormat == .json ? "" : "\(source.path) has errors; nothing written")
    }
    keepUntilExit(compiled)
    return compiled
}
