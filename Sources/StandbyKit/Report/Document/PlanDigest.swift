// What a plan report's summary says, gathered in one pass over the machines:
// the machines whose memory or pool is short (named where the memory is
// missing, not where the fault happened), the cases no memory covers, and the
// machines with memory to spare.

/// The summary of a plan, machine by machine as they are planned. It keeps a
/// few numbers per short machine, at most ``limit`` cases no memory covers,
/// and one ``SpareMemory`` per machine: the rest of each machine is dropped.
struct PlanDigest {
    /// At most this many lines per list, and at most ``budget`` characters in
    /// all lists together (before a format's escaping, which at most doubles
    /// them): a fleet's Markdown summary stays well inside a pull-request
    /// comment's 65,536 characters whatever its names and path.
    static let limit = 20
    static let budget = 24_000

    /// One machine whose pool or standbys are short in some case.
    struct Short {
        var index: Int
        /// The cases short on it (of any machine) and the most any is short.
        var cases = 0
        var largest = 0
        /// The case short the most (the first in plan order): `m154/os/a2 needs 64 MiB on m155`.
        var example: Words = ""
    }

    let compiled: CompiledSpec
    let fix: PlanFix?
    let unit: Size.Unit
    private let indices: [String: Int]
    private(set) var short: [String: Short] = [:]
    private(set) var beyondMemory: [Words] = []
    private(set) var beyondMemoryCount = 0
    private(set) var spares: [SpareMemory] = []
    private var next = 0

    init(compiled: CompiledSpec, fix: PlanFix?, unit: Size.Unit, path: String?) {
        self.compiled = compiled
        self.path = path
        self.fix = fix
        self.unit = unit
        var indices: [String: Int] = [:]
        for (i, m) in compiled.machines.enumerated() where indices[m.name] == nil { indices[m.name] = i }
        self.indices = indices
    }

    /// The spec's path, which locates the edits, when the report knows it.
    let path: String?

    func isShort(_ machine: String) -> Bool { short[machine] != nil }

    /// Reads one machine's plan (machines in document order).
    mutating func add(_ m: MachinePlan) {
        let index = next
        next += 1
        for c in m.cases where !c.covered {
            for s in c.shortages where s.shortfall > 0 {
                var entry = short[s.machine] ?? Short(index: indices[s.machine] ?? Int.max)
                // The case short the most, the first of them in plan order.
                if s.shortfall > entry.largest { entry.example = Sentences.shortOn(c, s, unit: unit) }
                entry.cases += 1
                entry.largest = max(entry.largest, s.shortfall)
                short[s.machine] = entry
            }
            if !c.unrecoverable.isEmpty {
                beyondMemoryCount += 1
                if beyondMemory.count < Self.limit { beyondMemory.append(Sentences.beyondMemory(c)) }
            }
        }
        // A short machine's spare memory is not offered: its fix comes first.
        if let spare = SpareMemory.of(m, in: compiled, machine: index) { spares.append(spare) }
    }

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
        if beyondMemoryCount > 0 {
            let count = beyondMemoryCount
            var list = cut(
                title: "no memory can cover",
                note: "\(count) \(count == 1 ? "case" : "cases"): a hot-standby job's standby stops in the same "
                    + "fault, or its policy stops it",
                beyondMemory, leftOut: "`--detail machines` lists each machine's cases not covered", budget: &left)
            if count > beyondMemory.count, list.leftOut == nil {
                list.leftOut = "… and \(count - beyondMemory.count) more: `--detail machines` lists each machine's cases not covered"
            }
            lists.append(list)
        }
        let spare = spares.filter { short[$0.machine] == nil }.sorted { a, b in
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
                    spare.map { "\(name: $0.machine): \(scale.format($0.bytes)) — " + Sentences.edits($0.edits, path: path) },
                    leftOut: "`--detail machines` shows each machine's spare memory", budget: &left))
        }
        return lists
    }

    /// The short machines, most memory short first (what the fix adds, else
    /// the largest shortfall), then document order; each with its fix.
    private func needsMoreMemory() -> [Words] {
        let rows = short.map { name, entry -> (name: String, entry: Short, change: Advice.MachineChange?, growth: Int) in
            let change = fix?.change(of: name)
            return (name, entry, change, change.map(Self.growth) ?? entry.largest)
        }.sorted { a, b in
            a.growth != b.growth ? a.growth > b.growth : (a.entry.index, a.name) < (b.entry.index, b.name)
        }
        return rows.map { row in
            var words: Words = "\(name: row.name): "
            if let change = row.change {
                words += Sentences.edits(change.edits, path: path) + "; "
            }
            let n = row.entry.cases
            return words + (n == 1 ? row.entry.example : "short in \(n) cases; the most: " + row.entry.example)
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
            leftOut: dropped > 0 ? "… and \(dropped) more: \(leftOut)" : nil)
    }
}
