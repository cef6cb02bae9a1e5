import ArgumentParser
import StandbyKit

extension ToleranceKind: ExpressibleByArgument {}

/// `standby tolerate SPEC`: how many simultaneous faults of a kind the spec survives.
struct TolerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tolerate",
        abstract: "Find how many simultaneous faults of a kind every set of that size survives (exact).",
        discussion: """
            For each kind (os: active OSes at once, on any machines; machine: whole machines at \
            once), the largest k up to --max-k such that every set of at most k faults of that kind \
            is covered, and the first uncovered set of size k + 1 in plan order with what is short \
            and what would cover it. Exits 0 when every kind asked reaches --max-k, 2 when some \
            kind does not (or the search stopped at --max-sets first), 1 when the spec has errors.
            """)

    @OptionGroup var spec: SpecArgument

    @Option(
        name: .customLong("kind"),
        help: ArgumentHelp("A fault kind to check: os or machine; repeatable (default: those of the two the spec's policies.faults plans).", valueName: "kind"))
    var kinds: [ToleranceKind] = []

    @Option(
        name: .customLong("max-k"),
        help: ArgumentHelp(
            "The largest number of simultaneous faults to check, 1 to \(Tolerance.maxAllowedK).", valueName: "k"))
    var maxK = 3

    @Option(
        name: .customLong("max-sets"),
        help: ArgumentHelp(
            "Stop a kind's search after this many steps (sets and partial sets looked at, faults reached from a root, and what each reads), 1 to \(Tolerance.maxAllowedSets); the answer then claims only what was checked.",
            valueName: "n"))
    var maxSets = Tolerance.defaultMaxSets

    @OptionGroup var format: FormatOption<BasicFormat>

    @OptionGroup var output: OutputOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        _ = try format.resolve(output)
        guard (1...Tolerance.maxAllowedK).contains(maxK) else {
            throw ValidationError(
                "--max-k must be 1 to \(Tolerance.maxAllowedK): the exact answer's work grows like the number of sets of that size")
        }
        guard (1...Tolerance.maxAllowedSets).contains(maxSets) else {
            throw ValidationError(
                "--max-sets must be 1 to \(Tolerance.maxAllowedSets): it bounds the search's steps, and so its time")
        }
    }

    func run() throws {
        let format = try format.resolve(output).outputFormat
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            let (compiled, read) = try compileSpec(spec.path, input: input)
            // Without --kind, the kinds the spec plans: a spec that plans no
            // machine faults is not told that a machine fault is not covered.
            let kinds = kinds.isEmpty ? ToleranceKind.planned(in: compiled.spec.policies.faults) : kinds
            let report = Tolerance.check(compiled, kinds: kinds, maxK: maxK, maxSets: maxSets)
            try output.write(inputs: read) { out in
                ToleranceRenderer.render(report, format: format, unit: output.unit, to: &out)
            }
            return report.reachesMaxK ? .ok : .uncovered
        }
    }
}
