import ArgumentParser
import StandbyKit

extension FaultKind: ExpressibleByArgument {}
extension PlanDetail: ExpressibleByArgument {}

/// `standby plan`: every single fault simulated, and the figures.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Simulate every single fault: coverage, minimum standby memory and reserve, savings.",
        discussion: """
            Exits 0 when every simulated case is covered and 2 when some case is not \
            (the report is complete either way); 1 when the spec has errors.
            """)

    @OptionGroup var spec: SpecArgument

    @OptionGroup var format: FormatOption<PlanFormat>

    @OptionGroup var faultOptions: FaultOptions<SpecFaultsDefault>

    @Option(
        name: .customLong("case"),
        help: ArgumentHelp(
            "Show the full table after one case, step by step (an id such as vms50/os/active).", valueName: "id"))
    var caseID: String?

    @Option(
        help: ArgumentHelp(
            "How much follows the summary in text, Markdown and HTML: summary, machines (each machine's tables and "
                + "cases not covered) or cases (also every case); default: cases for one machine, summary for more.",
            valueName: "level"))
    var detail: PlanDetail?

    @Flag(
        help: ArgumentHelp(
            "Also say, in the summary of text, Markdown and HTML, how many os and machine faults at once every set "
                + "survives (as 'standby tolerate --max-k 3' answers)."))
    var tolerate = false

    @OptionGroup var output: OutputOptions
    @OptionGroup var input: InputOptions

    /// The kinds named by `--faults`, in FaultKind order, without repeats.
    func faultKinds() throws -> [FaultKind]? { try faultOptions.kinds() }

    func validate() throws {
        _ = try faultKinds()
        let format = try format.resolveWithFindings(output)
        if caseID != nil && (format == .html || format.isFindings) {
            throw ValidationError("--case shows one table; use text, json, csv or markdown")
        }
        if tolerate && ![.text, .markdown, .html].contains(format.outputFormat) || tolerate && format.isFindings {
            throw ValidationError("--tolerate adds to the summary of text, markdown and html; for JSON use 'standby tolerate --format json'")
        }
    }

    func run() throws {
        let kinds = try faultKinds()
        let chosen = try format.resolveWithFindings(output)
        let format = chosen.outputFormat
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            let (compiled, read) = try compileSpec(spec.path, input: input)
            if chosen.isFindings {
                // The uncovered cases, each on the line of what it concerns, with
                // the least-memory fix of the machine that is short.
                let (figures, plan) = Planner.planWithFigures(compiled, faults: kinds)
                keepUntilExit(plan)
                let findings = PlanFindings.findings(
                    plan, compiled: compiled, path: spec.shown, advice: fix(figures, compiled)?.advice)
                try output.write(inputs: read) { out in
                    if chosen == .sarif {
                        FindingRenderer.renderSARIF(findings, to: &out)
                    } else {
                        FindingRenderer.renderGitHub(findings, to: &out)
                    }
                }
                return plan.covered ? .ok : .uncovered
            }
            guard let caseID else {
                // One machine's cases at a time: a fleet has hundreds of thousands.
                let planned = ToleranceKind.planned(in: kinds ?? compiled.spec.policies.faults)
                let tolerance = tolerate ? Tolerance.check(compiled, kinds: planned, maxK: 3) : nil
                let figures = Planner.figures(compiled, faults: kinds)
                keepUntilExit(figures)
                let fix = fix(figures, compiled)
                try output.write(inputs: read) { out in
                    PlanRenderer.render(
                        figures, compiled: compiled, format: format, unit: output.unit, fix: fix, detail: detail,
                        path: spec.shown, tolerance: tolerance, to: &out)
                }
                return figures.covered ? .ok : .uncovered
            }
            // One case, step by step: the plan names it and the tracer replays it.
            let plan = Planner.plan(compiled, faults: kinds)
            keepUntilExit(plan)
            guard let trace = Planner.trace(caseID: caseID, in: compiled, plan: plan) else {
                throw CommandFailure(.usage, unknownCase(caseID, in: plan))
            }
            try output.write(inputs: read) { out in
                PlanRenderer.renderCase(trace, format: format, unit: output.unit, to: &out)
            }
            return plan.faultCase(id: caseID)?.covered == false ? .uncovered : .ok
        }
    }


    /// The least-memory fix the report shows, when some case is not covered
    /// (a covered plan needs none), read off the plan's own figures.
    func fix(_ figures: PlanFigures, _ compiled: CompiledSpec) -> PlanFix? {
        guard !figures.covered, let advice = LeastMemory.fix(figures, compiled: compiled) else { return nil }
        return PlanFix(advice: advice, path: spec.shown)
    }
}

/// The message for a `--case` id the plan does not have: the nearest ids (see
/// ``suggestions(for:among:maxDistance:count:maxCompared:)`` for the bound on
/// the work), or what ids look like when none is near.
func unknownCase(_ id: String, in plan: Plan) -> String {
    // Lazily, machine by machine: a fleet's cases are not copied into one array.
    let ids = plan.machines.lazy.flatMap(\.cases).map(\.id)
    let near = suggestions(for: id, among: ids, maxDistance: suggestionDistance(for: id))
    if near.isEmpty {
        let known = ids.prefix(5).joined(separator: ", ")
        return "no case '\(id)' in this plan; case ids look like \(known)"
    }
    return "no case '\(id)' in this plan; did you mean \(near.map { "'\($0)'" }.joined(separator: " or "))?"
}

/// Where a command's fault kinds come from without `--faults`, for its help.
protocol FaultsDefault {
    static var source: String { get }
}

/// The default of `plan`, `headroom` and `runway`.
enum SpecFaultsDefault: FaultsDefault {
    static var source: String { "the spec's policies.faults" }
}

enum DiffFaultsDefault: FaultsDefault {
    static var source: String { "each spec's policies.faults" }
}

/// `--faults`, which `plan` and `diff` share.
struct FaultOptions<Default: FaultsDefault>: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Fault kinds to simulate, comma-separated (os, job, standby, memory, machine); default: \(Default.source).",
            valueName: "kinds"))
    var faults: String?

    init() {}

    /// The kinds named by `--faults`, in FaultKind order, without repeats.
    func kinds() throws -> [FaultKind]? { try parseFaultKinds(faults) }
}

/// The kinds a `--faults` list names, in FaultKind order, without repeats;
/// `nil` when there is no list.
func parseFaultKinds(_ faults: String?) throws -> [FaultKind]? {
    guard let faults else { return nil }
    var kinds = Set<FaultKind>()
    for part in faults.split(separator: ",", omittingEmptySubsequences: false) {
        let name = String(part.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
        guard let kind = FaultKind(rawValue: name) else {
            throw ValidationError(
                "'\(name)' is not a fault kind; use \(FaultKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        kinds.insert(kind)
    }
    return FaultKind.allCases.filter(kinds.contains)
}
