import ArgumentParser
import StandbyKit

/// `standby validate`: every problem of every spec, located.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check specs and report every problem with its line and column.",
        discussion: """
            Decodes, validates and compiles each spec, so a spec that passes here also \
            compiles. Problems go to standard error (text) or standard output (with \
            --diagnostics-format json, one document for all files); a line per file \
            sums up the result on standard output in text mode.
            """)

    @Argument(help: ArgumentHelp("Spec files; '-' reads standard input.", valueName: "file"), completion: specCompletion)
    var files: [String]

    @OptionGroup var input: InputOptions

    func run() throws {
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            var results: [(String, Diagnostics)] = []
            var unreadable = false
            var failed = false
            var out = SinkStream(sink: .standardOutput())
            for (n, path) in files.enumerated() {
                let read: SpecInput
                do throws(CommandFailure) {
                    read = try readSource(path, maxBytes: input.limits.maxInputBytes)
                } catch {
                    report(error)
                    unreadable = true
                    continue
                }
                let source = read.source
                let (compiled, diagnostics) = compileInput(read, limits: input.limits)
                if n == files.count - 1 { keepUntilExit(compiled as Any) }
                failed = failed || input.fails(diagnostics)
                switch input.diagnosticsFormat {
                case .text:
                    input.report(diagnostics, in: source)
                    var summary = DiagnosticRenderer.summary(diagnostics, path: source.path)
                    if input.fails(diagnostics) && !diagnostics.hasErrors { summary += " (--strict makes warnings errors)" }
                    out.write(summary + "\n")
                default:
                    results.append((source.path, diagnostics))
                }
            }
            input.render(results, to: &out)
            try out.sink.commit()
            if unreadable { return .inputUnreadable }
            return failed ? .specErrors : .ok
        }
    }
}
