import ArgumentParser
import StandbyKit

/// The formats of `diff`: the reports, and a regression as CI findings.
enum DiffFormat: String, FindingsFormat {
    case text, json, markdown, sarif, github

    static var allValueDescriptions: [String: String] {
        var descriptions = Dictionary(
            uniqueKeysWithValues: allCases.filter { !$0.isFindings }.map { ($0.rawValue, purpose($0.outputFormat)) })
        descriptions["sarif"] =
            "SARIF 2.1.0: one result per case newly uncovered, and one on each changed line of NEW that bears on one, with the fix"
        descriptions["github"] = "GitHub workflow commands: the same findings as annotations"
        return descriptions
    }
}

/// `standby diff OLD NEW`: what a change of the spec does to the plan.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a change of the spec does to the plan, machine by machine.",
        discussion: """
            Plans both specs and reports, per machine (matched by name), the cases newly \
            uncovered (with the fix of NEW that covers them) and newly covered, the figures \
            that changed and the spec values written in either spec that changed, located in \
            NEW; then the fleet's totals that changed. A warning both specs have is shown once, \
            at its place in NEW. Either side may be '-' (standard input). Exits 0 when no case \
            is newly uncovered, 3 when some case is (a regression), 1 when either spec has \
            errors (both specs' problems are shown).
            """)

    @Argument(help: ArgumentHelp("The spec before the change; '-' reads standard input.", valueName: "old"), completion: specCompletion)
    var old: String

    @Argument(help: ArgumentHelp("The spec after the change; '-' reads standard input.", valueName: "new"), completion: specCompletion)
    var new: String

    @OptionGroup var format: FormatOption<DiffFormat>

    @OptionGroup var faultOptions: FaultOptions<DiffFaultsDefault>

    @OptionGroup var output: OutputOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        _ = try format.resolveWithFindings(output)
        _ = try faultOptions.kinds()
        if old == "-" && new == "-" { throw ValidationError("only one side can be standard input") }
    }

    func run() throws {
        let chosen = try format.resolveWithFindings(output)
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
            // Both specs' problems, in one document where the format makes one;
            // a warning both have, once, at its place in NEW.
            problems[0].diagnostics = problems[0].diagnostics.withoutWarnings(in: problems[1].diagnostics)
            input.report(problems)
            guard !failed, let before = sides[0].0, let after = sides[1].0 else {
                throw CommandFailure(.specErrors, input.diagnosticsFormat.isDocument ? "" : "a spec has errors; nothing compared")
            }
            let oldPlan = Planner.plan(before, faults: kinds)
            let (figures, newPlan) = Planner.planWithFigures(after, faults: kinds)
            // NEW's least-memory fix, read off its own figures, as `plan` shows it.
            let newPath = sides[1].1.path
            let fix = figures.covered ? nil : LeastMemory.fix(figures, compiled: after).map { PlanFix(advice: $0, path: newPath) }
            let diff = PlanDiff(old: oldPlan, oldSpec: before.spec, new: newPlan, newSpec: after.spec, fix: fix)
            keepUntilExit([oldPlan, newPlan])
            try output.write(inputs: sides.compactMap(\.2)) { out in
                switch chosen {
                case .sarif, .github:
                    let findings = DiffFindings.findings(diff, newSpec: after.spec, path: newPath)
                    if chosen == .sarif {
                        FindingRenderer.renderSARIF(findings, to: &out)
                    } else {
                        FindingRenderer.renderGitHub(findings, to: &out)
                    }
                default:
                    DiffRenderer.render(
                        diff, old: sides[0].1.path, new: newPath, format: chosen.outputFormat, unit: output.unit, to: &out)
                }
            }
            return diff.regressions > 0 ? .regression : .ok
        }
    }
}
