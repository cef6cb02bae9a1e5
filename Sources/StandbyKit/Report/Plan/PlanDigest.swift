// What a plan report's summary says, gathered in one pass over the machines:
// the machines whose memory or pool is short (named where the memory is
// missing, not where the fault happened), the cases no memory covers, and the
// machines with memory to spare.

/// What the summary counts, machine by machine as they are planned, with
/// nothing of the report's wording: per short machine a few numbers and the
/// case short the most, at most ``PlanDigest/limit`` cases no memory covers,
/// and each machine's figures (its cases dropped). Tallies of consecutive runs
/// of machines join in order (``append(_:)``), so the HTML page's parallel
/// pass makes one too.
struct PlanTally {
    /// One machine whose pool or standbys are short in some case.
    struct Short {
        /// The cases short on it (of any machine) and the most any is short.
        var cases = 0
        var largest = 0
        /// The case short the most (the first in plan order), and its shortage there.
        var example: (faultCase: FaultCase, shortage: Shortage)?
        /// Of those, the cases of other machines (their copies run on its
        /// standbys), the most any is short, and the first of those machines
        /// (at most ``PlanTally/sourcesKept``, in plan order).
        var foreignCases = 0
        var foreignLargest = 0
        var sources: [String] = []
        var moreSources = false
    }

    /// The machines named per short machine whose cases make it short.
    static let sourcesKept = 3

    private(set) var short: [String: Short] = [:]
    private(set) var beyondMemory: [FaultCase] = []
    private(set) var beyondMemoryCount = 0
    /// Every machine's figures, in document order, without its cases.
    private(set) var machines: [MachinePlan] = []

    /// Starts machine `m` (its cases follow through ``add(_:)``).
    mutating func begin(_ m: MachinePlan) {
        var figures = m
        figures.cases = []
        machines.append(figures)
    }

    /// Counts one case of the machine begun last.
    mutating func add(_ c: FaultCase) {
        guard !c.covered else { return }
        for s in c.shortages where s.shortfall > 0 {
            var entry = short[s.machine] ?? Short()
            if s.shortfall > entry.largest { entry.example = (c, s) }
            entry.cases += 1
            entry.largest = max(entry.largest, s.shortfall)
            if s.machine != c.machine {
                entry.foreignCases += 1
                entry.foreignLargest = max(entry.foreignLargest, s.shortfall)
                entry.addSource(c.machine)
            }
            short[s.machine] = entry
        }
        if !c.unrecoverable.isEmpty {
            beyondMemoryCount += 1
            if beyondMemory.count < PlanDigest.limit { beyondMemory.append(c) }
        }
    }

    /// Reads one machine's plan, cases included.
    mutating func add(_ m: MachinePlan) {
        begin(m)
        for c in m.cases { add(c) }
    }

    /// Joins the tally of the machines that follow these.
    mutating func append(_ other: PlanTally) {
        for (name, theirs) in other.short {
            guard var mine = short[name] else {
                short[name] = theirs
                continue
            }
            mine.cases += theirs.cases
            mine.foreignCases += theirs.foreignCases
            mine.foreignLargest = max(mine.foreignLargest, theirs.foreignLargest)
            for source in theirs.sources { mine.addSource(source) }
            mine.moreSources = mine.moreSources || theirs.moreSources
            // Ours come first in plan order: theirs wins only when larger.
            if theirs.largest > mine.largest {
                mine.largest = theirs.largest
                mine.example = theirs.example
            }
            short[name] = mine
        }
        beyondMemory += other.beyondMemory.prefix(PlanDigest.limit - beyondMemory.count)
        beyondMemoryCount += other.beyondMemoryCount
        machines += other.machines
    }
}

extension PlanTally.Short {
    /// Notes a machine whose case is short here (cases come in plan order).
    mutating func addSource(_ machine: String) {
        if sources.contains(machine) { return }
        if sources.count < PlanTally.sourcesKept { sources.append(machine) } else { moreSources = true }
    }
}

/// The summary of a plan in the report's words: a ``PlanTally`` read with
/// the spec, its fix, the unit and the spec's path.
struct PlanDigest {
    /// At most this many lines per list, and at most ``budget`` characters in
    /// all lists together (before a format's escaping, which at most doubles
    /// them): a fleet's Markdown summary stays well inside a pull-request
    /// comment's 65,536 characters whatever its names and path.
    static let limit = ListCap.lines
    static let budget = 24_000

    let compiled: CompiledSpec
    let fix: PlanFix?
    let unit: Size.Unit
    /// The spec's path, which locates the edits, when the report knows it.
    let path: String?
    var tally = PlanTally()
    private let indices: [String: Int]

    /// Where a value an edit names is an anchor other entries read too.
    let shared: Set<SourceLocation>

    init(compiled: CompiledSpec, fix: PlanFix?, unit: Size.Unit, path: String?, tally: PlanTally = PlanTally()) {
        self.compiled = compiled
        self.path = path
        self.fix = fix
        self.unit = unit
        self.tally = tally
        var indices: [String: Int] = [:]
        for (i, m) in compiled.machines.enumerated() where indices[m.name] == nil { indices[m.name] = i }
        self.indices = indices
        self.shared = compiled.spec.sharedSizeLocations()
    }

    func isShort(_ machine: String) -> Bool { tally.short[machine] != nil }

    /// What is said of a machine short in other machines' cases, when it is.
    func shortForOthers(_ machine: String) -> Words? {
        guard let entry = tally.short[machine], entry.foreignCases > 0 else { return nil }
        return Sentences.shortForOthers(
            cases: entry.foreignCases, largest: entry.foreignLargest, sources: entry.sources,
            more: entry.moreSources, unit: unit)
    }

    /// Reads one machine's plan (machines in document order).
    mutating func add(_ m: MachinePlan) { tally.add(m) }

    /// The summary's lists, in reading order, each cut to ``limit`` lines and
    /// all together to ``budget`` characters.
    func lists(machineCount: Int, tolerance: ToleranceReport? = nil) -> [SummaryList] {
        var left = Self.budget
        var lists: [SummaryList] = []
        if let tolerance {
            // Each kind's answer, and its first uncovered set.
            var items: [Words] = []
            for t in tolerance.kinds {
                var line = Words(stringLiteral: ToleranceRenderer.headline(t))
                if let c = t.counterexample { line += "; " + ToleranceRenderer.setLine(c, unit: unit) }
                items.append(line)
            }
            lists.append(
                cut(
                    title: "faults at once",
                    note: "every set of at most k simultaneous faults of a kind is covered; `standby tolerate` explains",
                    items, leftOut: "`standby tolerate` shows every kind", budget: &left))
        }
        let needs = needsMoreMemory()
        if !needs.isEmpty {
            let count = needs.count
            lists.append(
                cut(
                    title: "needs more memory",
                    note: count == 1
                        ? "`standby fix` writes the change"
                        : "\(count) machines, most memory short first; `standby fix` writes the changes",
                    needs, leftOut: "`standby fix` writes every change; `--detail machines` shows each machine",
                    budget: &left))
        }
        if tally.beyondMemoryCount > 0 {
            let count = tally.beyondMemoryCount
            let beyondMemory = tally.beyondMemory.map(Sentences.beyondMemory)
            var list = cut(
                title: "no memory can cover",
                note: "\(count) \(count == 1 ? "case" : "cases"): a hot-standby job's standby stops in the same "
                    + "fault, or its policy stops it",
                beyondMemory, leftOut: "`--detail machines` lists each machine's cases not covered", budget: &left)
            if count > beyondMemory.count, list.leftOut == nil {
                list.leftOut = Words(stringLiteral: ListCap.leftOut(count - beyondMemory.count, "`--detail machines` lists each machine's cases not covered"))
            }
            lists.append(list)
        }
        // A short machine's spare memory is not offered: its fix comes first.
        let spares = tally.machines.enumerated().compactMap { m, figures in
            isShort(figures.name) ? nil : SpareMemory.of(figures, in: compiled, machine: m)
        }
        let spare = spares.sorted { a, b in
            a.bytes != b.bytes ? a.bytes > b.bytes : a.index < b.index
        }
        if !spare.isEmpty {
            let total = spare.reduce(0) { satAdd($0, $1.bytes) }
            let count = spare.count
            let scale = Size.scale(for: spare.map(\.bytes), unit: unit)
            let totalScale = Size.scale(for: [total], unit: unit)
            lists.append(
                cut(
                    title: "memory to spare",
                    note: "\(totalScale.format(total)) on \(count) \(count == 1 ? "machine" : "machines")"
                        + (count == 1 ? "" : ", largest first")
                        + "; standbys at their minimum, every covered case stays covered",
                    spare.map {
                        "\(name: $0.machine): \(scale.format($0.bytes)) — " + Sentences.edits($0.edits, path: path, shared: shared)
                    },
                    leftOut: "`--detail machines` shows each machine's spare memory", budget: &left))
        }
        return lists
    }

    /// The short machines, most memory short first (what the fix adds, else
    /// the largest shortfall), then document order; each with its fix.
    private func needsMoreMemory() -> [Words] {
        let rows = tally.short.map { name, entry -> (name: String, entry: PlanTally.Short, index: Int, change: Advice.MachineChange?, growth: Int) in
            let change = fix?.change(of: name)
            return (name, entry, indices[name] ?? Int.max, change, change.map(Self.growth) ?? entry.largest)
        }.sorted { a, b in
            a.growth != b.growth ? a.growth > b.growth : (a.index, a.name) < (b.index, b.name)
        }
        return rows.map { row in
            var words: Words = "\(name: row.name): "
            if let change = row.change {
                words += Sentences.edits(change.edits, path: path, shared: shared) + "; "
            }
            let n = row.entry.cases
            let example = row.entry.example.map { Sentences.shortOn($0.faultCase, $0.shortage, unit: unit) } ?? ""
            return words + (n == 1 ? example : "short in \(n) cases; the most: " + example)
        }
    }

    /// What a change adds to its machine: the machine's memory, else its standbys'.
    private static func growth(_ change: Advice.MachineChange) -> Int {
        if let machine = change.edits.first(where: { $0.os == nil }) { return machine.to - machine.from }
        return change.edits.reduce(0) { satAdd($0, $1.to - $1.from) }
    }

    private func cut(title: String, note: Words, _ items: [Words], leftOut: String, budget: inout Int) -> SummaryList {
        var kept: [Words] = []
        for item in items.prefix(Self.limit) {
            let size = item.plain.utf8.count + 8
            guard size <= budget else { break }
            budget -= size
            kept.append(item)
        }
        let dropped = items.count - kept.count
        return SummaryList(
            title: title, note: note, items: kept,
            leftOut: dropped > 0 ? Words(stringLiteral: ListCap.leftOut(dropped, leftOut)) : nil)
    }
}
