import ArgumentParser
import StandbyKit

/// The formats of `diff`.
enum DiffFormat: String, ReportFormat {
    case text, json, markdown

    var outputFormat: OutputFormat {
        switch self {
        case .text: .text
        case .json: .json
        case .markdown: .markdown
        }
    }
}

/// `standby diff OLD NEW`: what a change of the spec does to the plan.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a change of the spec does to the plan, machine by machine.",
        discussion: """
            Plans both specs and reports, per machine (matched by name), the cases newly \
            uncovered and newly covered, the figures that changed and the spec values that \
            changed, located in NEW; then the fleet's totals. Either side may be '-' (standard \
            input). Exits 0 when no case is newly uncovered, 3 when some case is (a regression), \
            1 when either spec has errors (both specs' problems are shown).
            """)

    @Argument(help: ArgumentHelp("The spec before the change; '-' reads standard input.", valueName: "old"), completion: specCompletion)
    var old: String

    @Argument(help: ArgumentHelp("The spec after the change; '-' reads standard input.", valueName: "new"), completion: specCompletion)
    var new: String

    @Option(help: "Output format (default: from -o's extension, else text).")
    var format: DiffFormat?

    @OptionGroup var faultOptions: FaultOptions<DiffFaultsDefault>

    @OptionGroup var output: OutputOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        _ = try DiffFormat.resolve(format, output: output.output)
        _ = try faultOptions.kinds()
        if old == "-" && new == "-" { throw ValidationError("only one side can be standard input") }
    }

    func run() throws {
        let format = try DiffFormat.resolve(format, output: output.output).outputFormat
        let kinds = try faultOptions.kinds()
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            var sides: [(CompiledSpec?, SourceFile, FileIdentity?)] = []
            var problems: [(diagnostics: Diagnostics, source: SourceFile)] = []
            var failed = false
            for path in [old, new] {
                let read = try readSource(path, maxBytes: input.limits.maxInputBytes)
                let (compiled, diagnostics) = compileInput(read, limits: input.limits)
                problems.append((diagnostics, read.source))
                if compiled == nil || input.fails(diagnostics) { failed = true }
                sides.append((compiled, read.source, read.identity))
            }
            // Both specs' problems, in one document where the format makes one.
            input.report(problems)
            guard !failed, let before = sides[0].0, let after = sides[1].0 else {
                throw CommandFailure(.specErrors, input.diagnosticsFormat.isDocument ? "" : "a spec has errors; nothing compared")
            }
            let oldPlan = Planner.plan(before, faults: kinds)
            let newPlan = Planner.plan(after, faults: kinds)
            let diff = PlanDiff(old: oldPlan, oldSpec: before.spec, new: newPlan, newSpec: after.spec)
            keepUntilExit([oldPlan, newPlan])
            try output.write(inputs: sides.compactMap(\.2)) { out in
                DiffRenderer.render(diff, old: sides[0].1.path, new: sides[1].1.path, format: format, to: &out)
            }
            return diff.regressions > 0 ? .regression : .ok
        }
    }
}
