// The HTML report's view of a fleet: one overview row per machine, which
// machines need attention and get a section, and the cases of other machines
// that left a machine short. Made from a whole ``Plan`` or, machine by machine
// on every core, from ``PlanFigures``; both go through ``HTMLFleetPart``.

/// One machine as the overview shows it, and what the attention rule reads.
struct HTMLMachineRow {
    /// Its figures (the row counts its cases itself, below).
    var plan: MachinePlan
    var name: String { plan.name }
    var cases = 0
    /// Its own cases that are not covered.
    var uncovered = 0
    /// The uncovered case of its own with the largest shortfall (the first in
    /// plan order among equals): its id and where memory was missing.
    var worst: (shortfall: Int, id: String, shortfalls: [String])?
    /// Cases, of any machine, in which this machine's standbys or pool are short.
    var shortHere = 0
    /// How many of those are cases of other machines.
    var shortFromOthers = 0
    /// The largest shortfall on this machine in any of those cases.
    var mostShortHere = 0
    /// The machines whose cases are short here, in the order met, at most
    /// ``HTMLFleet/namedSources`` of them; ``moreSources`` when there are others.
    var sources: [String] = []
    var moreSources = false

    init(_ m: MachinePlan) { plan = m }

    /// The attention rule: a case of its own not covered, or its memory short
    /// in some case of any machine (a job of m154 failing over to a standby
    /// on m155 can leave m155 short while m155's own cases are covered).
    var needsAttention: Bool { uncovered > 0 || shortHere > 0 }
}

/// What one run of machines contributes: their rows, and the shortages their
/// cases left on any machine (resolved to rows when the runs are joined).
struct HTMLFleetPart {
    var rows: [HTMLMachineRow] = []
    /// One per shortage with a shortfall, in plan order.
    var shortages: [(machine: String, shortfall: Int, from: String, kept: FaultCase?)] = []
    /// Per short machine, the cases kept for it in this part.
    private var kept: [String: Int] = [:]
    /// What the summary at the top of the page counts.
    var tally = PlanTally()

    /// Starts the row of machine `m` (its cases follow through ``add(_:faultCase:)``).
    mutating func begin(_ m: MachinePlan) {
        rows.append(HTMLMachineRow(m))
        tally.begin(m)
    }

    /// Counts case `c` of the machine begun last. `faultCase` makes it as a
    /// ``FaultCase``: called only for the few cases kept (the worst of each
    /// machine, and those short on another machine), since naming every case
    /// of a fleet is most of the time a plan takes.
    mutating func add<T, Ts>(_ c: CaseRecord<T, Ts>, faultCase: () -> FaultCase) {
        let last = rows.count - 1
        guard last >= 0 else { return }
        rows[last].cases += 1
        guard !c.covered else { return }
        rows[last].uncovered += 1
        var made: FaultCase?
        func once() -> FaultCase {
            if let made { return made }
            let f = faultCase()
            made = f
            return f
        }
        tally.add(once())
        if rows[last].worst == nil || c.shortfall > (rows[last].worst?.shortfall ?? 0) {
            let f = once()
            rows[last].worst = (c.shortfall, f.id, Sentences.shortfalls(f, unit: .auto, namingOwn: true))
        }
        for s in c.shortages where s.shortfall > 0 {
            var keep: FaultCase?
            if s.machine != rows[last].name, kept[s.machine, default: 0] < HTMLFleet.keptPerMachine {
                kept[s.machine, default: 0] += 1
                keep = once()
            }
            shortages.append((s.machine, s.shortfall, rows[last].name, keep))
        }
    }
}

/// The fleet as the page shows it: every machine's row, and per machine the
/// first cases of other machines that left it short.
struct HTMLFleet {
    /// At most this many machines get a section by default, the most short
    /// first: with every machine of a large fleet short, the page still stays
    /// a few megabytes (each section is linear in its machine's size).
    static let maxSections = 50
    /// Per machine, at most this many cases of other machines short on it are
    /// kept and explained in its section; the rest are counted.
    static let keptPerMachine = 10
    /// The machines named in an overview cell of where shortfalls come from.
    static let namedSources = 3

    var faults: [FaultKind]
    var totals: FleetTotals
    var rows: [HTMLMachineRow]
    /// Per machine, the cases of other machines short on it that were kept.
    var foreign: [[FaultCase]]
    /// What the summary at the top of the page counts, over every machine.
    var tally = PlanTally()

    /// Joins parts made over consecutive runs of machines, in order.
    init(_ parts: [HTMLFleetPart], faults: [FaultKind], totals: FleetTotals) {
        self.faults = faults
        self.totals = totals
        rows = parts.flatMap(\.rows)
        foreign = Array(repeating: [], count: rows.count)
        var index: [String: Int] = [:]
        for (i, row) in rows.enumerated() where index[row.name] == nil { index[row.name] = i }
        for part in parts {
            tally.append(part.tally)
            for s in part.shortages {
                guard let i = index[s.machine] else { continue }
                rows[i].shortHere += 1
                if s.from != rows[i].name { rows[i].shortFromOthers += 1 }
                rows[i].mostShortHere = max(rows[i].mostShortHere, s.shortfall)
                if !rows[i].sources.contains(s.from) {
                    if rows[i].sources.count < Self.namedSources { rows[i].sources.append(s.from) } else { rows[i].moreSources = true }
                }
                if let c = s.kept, foreign[i].count < Self.keptPerMachine { foreign[i].append(c) }
            }
        }
    }

    /// The fleet of a plan made whole.
    init(_ plan: Plan) {
        var part = HTMLFleetPart()
        for m in plan.machines {
            part.begin(m)
            for c in m.cases { part.add(c.record) { c } }
        }
        self.init([part], faults: plan.faults, totals: plan.totals)
    }

    /// The fleet of `figures`, its machines simulated on every core, each
    /// thread with its own scratch space over a run of machines; the runs
    /// join in document order, so the result is the same on any core count.
    init(_ figures: PlanFigures) {
        let threads = min(parallelThreads(), max(1, figures.machineCount))
        let chunks = runs(of: figures.machineCount, threads: threads)
        nonisolated(unsafe) let exporters = figures.exporters(chunks.count)
        let parts = parallel(chunks.count) { t in
            var part = HTMLFleetPart()
            let (simulator, namer) = exporters[t]
            for m in chunks[t] {
                let machine = figures.exportMachine(m, simulator: simulator, namer: namer)
                part.begin(machine.plan)
                machine.forEachCase { record in part.add(record) { FaultCase(record) } }
            }
            return part
        }
        self.init(parts, faults: figures.faults, totals: figures.totals)
    }

    var caseCount: Int { rows.reduce(0) { $0 + $1.cases } }
    var uncoveredCount: Int { rows.reduce(0) { $0 + $1.uncovered } }

    /// The machines' indices in overview order: cases not covered, most first;
    /// then cases short on the machine's memory, most first; then savings in
    /// bytes, largest first; then document order.
    var overviewOrder: [Int] {
        rows.indices.sorted { a, b in
            let (x, y) = (rows[a], rows[b])
            if x.uncovered != y.uncovered { return x.uncovered > y.uncovered }
            if x.shortHere != y.shortHere { return x.shortHere > y.shortHere }
            if x.plan.savings != y.plan.savings { return x.plan.savings > y.plan.savings }
            return a < b
        }
    }

    /// The machines that get a section, in the order they are written: every
    /// machine in document order with `allMachines` or a single machine; else
    /// those that need attention in overview order, at most ``maxSections``.
    func sections(allMachines: Bool) -> [Int] {
        if allMachines || rows.count == 1 { return Array(rows.indices) }
        return Array(overviewOrder.filter { rows[$0].needsAttention }.prefix(Self.maxSections))
    }

    var attentionCount: Int { rows.reduce(0) { $0 + ($1.needsAttention ? 1 : 0) } }
}
