// The plan report as a document: one walk over a plan that yields its blocks
// in reading order. Text and Markdown render the same blocks.

/// One block of the human plan report. What it says comes from
/// ``Sentences``; each format decides only how it looks.
enum PlanBlock {
    /// The answer first: whether every case is covered.
    case coverage(String)
    /// What the fluid layout saves against the duplicate one.
    case savings(String)
    /// The fault kinds simulated.
    case faults(String)
    /// A list of the summary: the machines that need more memory, the
    /// cases no memory covers, the machines with memory to spare.
    case list(SummaryList)
    /// The fleet's figures, when there is more than one machine.
    case fleet(machines: Int, figures: [Figure])
    /// A machine's section starts: its name and its compiled summary.
    case machine(name: String, summary: String)
    /// Whether a machine's cases are covered, when there is more than one
    /// machine, and whether it is short for other machines' copies.
    case machineCoverage(Words)
    /// A table: standbys, actives, or every case.
    case table(ReportTable)
    /// A machine's figures.
    case figures([Figure])
    /// A sentence of its own (the jobs no memory can bring back).
    case remark(Words)
    /// Cases with what is said of each: the cases not covered, or those
    /// that leave jobs unprotected.
    case cases(CaseList)
}

/// How much of the plan a human report shows after its summary.
public enum PlanDetail: String, CaseIterable, Sendable {
    /// The summary alone: coverage, totals, the machines that need more
    /// memory (each with its fix), the cases no memory covers, the machines
    /// with memory to spare, the fleet's figures.
    case summary
    /// Also each machine's standbys, actives, figures and cases not covered.
    case machines
    /// Also every case of every machine.
    case cases

    /// What a report shows when not told: everything for one machine (the
    /// summary and the machine's detail read as one short page), the summary
    /// alone for a fleet.
    static func automatic(machines: Int) -> PlanDetail { machines <= 1 ? .cases : .summary }
}

/// A list of the summary, longest lists cut short.
struct SummaryList {
    /// Its heading: `needs more memory`.
    var title: String
    /// What the list is and how it is ordered: `3 machines, most memory short first`.
    var note: Words
    var items: [Words]
    /// What was left out and how to see it, when the list was cut.
    var leftOut: Words?
}

/// A table of a report. Rows are made on demand, so that a renderer can read
/// them twice (once for widths) without holding a machine's every row.
struct ReportTable {
    /// Its heading (`Standbys`); the text format draws no heading.
    var title: String
    var columns: [Column]
    var rowCount: Int
    /// The cells of row `i`, in `0..<rowCount`.
    var row: (Int) -> [Cell]
    /// What the table says when it has no row (`no standby OS`).
    var empty: String

    struct Column {
        var name: String
        var rightAligned = false
        /// The widest a text column grows; a longer cell overflows it.
        var maxWidth = Int.max
    }

    /// One cell.
    enum Cell {
        case words(Words)
        /// A list of names; drawn as `-` in text when empty, blank in Markdown.
        case names([String])
    }
}

/// A list of cases, each with its headline and lines under it.
struct CaseList {
    /// Its heading (`not covered`).
    var title: String
    var items: [Explanation]
    /// Whether the headlines stand out (the cases not covered do).
    var strong: Bool
}

extension PlanRenderer {
    /// The plan report's blocks, in reading order, handed to `yield`: the
    /// summary (which reads every machine once first), then, with `detail`,
    /// each machine's blocks as the machine is planned again, so that one
    /// machine's cases are held at a time.
    static func walkPlan(
        _ plan: PlanSummary, _ machines: Machines, compiled: CompiledSpec, unit: Size.Unit, fix: PlanFix?,
        detail: PlanDetail, path: String?, tolerance: ToleranceReport? = nil, _ yield: (PlanBlock) -> Void
    ) {
        var digest = PlanDigest(compiled: compiled, fix: fix, unit: unit, path: path)
        machines { digest.add($0) }
        yield(.coverage(Sentences.coverage(total: plan.caseCount, uncovered: plan.uncoveredCaseCount)))
        yield(.savings(Sentences.savings(plan.totals, unit: unit)))
        yield(.faults(Sentences.faultList(plan.faults)))
        for list in digest.lists(machineCount: plan.machineCount, tolerance: tolerance) { yield(.list(list)) }
        if plan.machineCount > 1 {
            yield(.fleet(machines: plan.machineCount, figures: Sentences.figures(plan.totals, unit: unit)))
        }
        guard detail != .summary else { return }
        let byName = compiledMachines(compiled)
        let pool = compiled.spec.policies.pool
        var index = 0
        // `machines` runs its body before it returns: `yield` only looks escaping.
        withoutActuallyEscaping(yield) { yield in
            machines { m in
                defer { index += 1 }
                yield(.machine(name: m.name, summary: summary(m, byName[m.name], unit: unit)))
                if plan.machineCount > 1 {
                    let bad = m.cases.reduce(0) { $0 + ($1.covered ? 0 : 1) }
                    // A machine can cover its own cases and still be short for the
                    // copies other machines' jobs start on its standbys: the fix
                    // below is for those, and the line says so.
                    var coverage = Words(stringLiteral: Sentences.coverage(total: m.cases.count, uncovered: bad))
                    if let others = digest.shortForOthers(m.name) {
                        coverage += (bad == 0 ? "; but its memory is " : "; its memory is also ") + others
                    }
                    yield(.machineCoverage(coverage))
                }
                // One machine's fix is the one said first; a fleet's also stands in its machine's section.
                let own = plan.machineCount > 1 ? fix?.sentence(of: m.name) : nil
                let spare =
                    plan.machineCount > 1 && !digest.isShort(m.name) ? SpareMemory.of(m, in: compiled, machine: index) : nil
                walkMachine(m, pool: pool, unit: unit, fix: own, spare: spare, path: digest.path,
                            shared: digest.shared, cases: detail == .cases, yield)
            }
        }
    }

    /// The blocks of one machine after its heading.
    private static func walkMachine(
        _ m: MachinePlan, pool: Bool, unit: Size.Unit, fix: Words?, spare: SpareMemory?, path: String?,
        shared: Set<SourceLocation> = [], cases: Bool, _ yield: (PlanBlock) -> Void
    ) {
        // One scale for the standbys' two size columns (they are compared), one for the footprints.
        let standbyScale = Size.scale(for: m.standbys.flatMap { [$0.allocated, $0.minimum] }, unit: unit)
        let activeScale = Size.scale(for: m.actives.map(\.footprint), unit: unit)
        let size = { (bytes: Int, scale: Size.Scale) in ReportTable.Cell.words(Words(stringLiteral: scale.format(bytes))) }
        yield(
            .table(
                ReportTable(
                    title: "Standbys",
                    columns: [.init(name: "standby"), .init(name: "allocated", rightAligned: true),
                              .init(name: "minimum", rightAligned: true), .init(name: "protects")],
                    rowCount: m.standbys.count,
                    row: { i in
                        let s = m.standbys[i]
                        return [.words(.quoted(s.name)), size(s.allocated, standbyScale), size(s.minimum, standbyScale),
                                .names(s.protects)]
                    }, empty: Sentences.noStandby)))
        yield(
            .table(
                ReportTable(
                    title: "Actives",
                    columns: [.init(name: "active"), .init(name: "footprint", rightAligned: true),
                              .init(name: "protected by")],
                    rowCount: m.actives.count,
                    row: { i in
                        let a = m.actives[i]
                        return [.words(.quoted(a.name)), size(a.footprint, activeScale), .names(a.protectedBy)]
                    }, empty: Sentences.noActive)))
        yield(.figures(Sentences.figures(m, unit: unit)))
        if !m.unrecoverableJobs.isEmpty { yield(.remark(Sentences.unrecoverableJobs(m.unrecoverableJobs))) }
        if let fix { yield(.remark("fix: " + fix)) }
        if let spare { yield(.remark("spare: " + Sentences.spare(spare, path: path, shared: shared, unit: unit))) }
        if let list = notCovered(m, pool: pool, unit: unit) { yield(.cases(list)) }
        guard cases else { return }
        let unprotected = m.cases.filter { !$0.unprotectedJobs.isEmpty }.map { c in
            Explanation(headline: "\(name: c.id): \(Sentences.unprotected(c, unit: unit))", details: [], covers: [])
        }
        if !unprotected.isEmpty {
            yield(.cases(CaseList(title: "while a standby is down", items: unprotected, strong: false)))
        }
        yield(.table(caseTable(m.cases, unit: unit)))
    }

    /// A machine's cases not covered, with why and what would cover each; nil
    /// when every case is covered. The HTML report lists the same.
    static func notCovered(_ m: MachinePlan, pool: Bool, unit: Size.Unit) -> CaseList? {
        let items = m.cases.filter { !$0.covered }.map { Sentences.explanation($0, pool: pool, unit: unit) }
        return items.isEmpty ? nil : CaseList(title: "not covered", items: items, strong: true)
    }

    /// Every case of a machine, one per row. Its cells are quoted whole, sizes
    /// too: Markdown escapes them all (a fixed unit's `~1.33 MiB` as `\~1.33 MiB`).
    private static func caseTable(_ cases: [FaultCase], unit: Size.Unit) -> ReportTable {
        let quoted = { (text: String) in ReportTable.Cell.words(.quoted(text)) }
        // One scale per size column.
        let shortfall = Size.scale(for: cases.lazy.map(\.shortfall), unit: unit)
        let draw = Size.scale(for: cases.lazy.map(\.poolDraw), unit: unit)
        return ReportTable(
            title: "Cases",
            columns: [.init(name: "case"), .init(name: "covered"), .init(name: "shortfall", rightAligned: true),
                      .init(name: "pool draw", rightAligned: true),
                      // An OS with many ordinary jobs loses them all in one case; that
                      // one cell must not push the last column of every row far right.
                      .init(name: "lost jobs", maxWidth: 40), .init(name: "taken over")],
            rowCount: cases.count,
            row: { i in
                let c = cases[i]
                return [quoted(c.id), quoted(c.covered ? "yes" : "no"), quoted(shortfall.format(c.shortfall)),
                        quoted(draw.format(c.poolDraw)), .names(c.lostJobs), .names(c.takenOver)]
            }, empty: Sentences.noCase)
    }

    /// Per machine, its compiled form, looked up once.
    static func compiledMachines(_ compiled: CompiledSpec) -> [String: CompiledMachine] {
        var byName: [String: CompiledMachine] = [:]
        for machine in compiled.machines where byName[machine.name] == nil { byName[machine.name] = machine }
        return byName
    }

    /// `256 MiB, monitor 32 MiB, granule 1 MiB`.
    static func summary(_ m: MachinePlan, _ compiled: CompiledMachine?, unit: Size.Unit) -> String {
        if let compiled { return CompileRenderer.machineSummary(compiled.machine, unit: unit) }
        return "\(Size.format(m.memory, unit: unit)), monitor \(Size.format(m.monitor, unit: unit))"
    }
}
