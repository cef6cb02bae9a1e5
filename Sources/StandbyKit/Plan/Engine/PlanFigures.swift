// The engine's passes over every case: the figures that need every
// machine's cases (standby and reserve minimums, counts), on threads when no
// case is kept, and the streaming of one machine's cases to the exports.
//
// Restates, for speed, FigureRules.standbyExtra and
// FigureRules.reserveMinimums (Plan/Rules/FigureRules.swift) as a running
// tally of each case as it is simulated (Tally); every other figure it reads
// from FigureRules (standby, machinePlan, totals). EngineMatchesRulesTests
// checks on random specs that the engine's figures equal the rules'.

/// The figures of a plan that depend on every machine's cases (see
/// ``Planner/figures(_:faults:)``): enough to write a report's summary before
/// any machine's cases, and to plan each machine on its own afterwards.
public struct PlanFigures: Sendable {
    /// The fault kinds simulated, without repeats, in ``FaultKind`` order.
    public let faults: [FaultKind]
    /// The cases of every machine.
    public let caseCount: Int
    /// The cases, of every machine, that are not covered.
    public let uncoveredCaseCount: Int
    /// The machines, as many as the compiled spec has.
    public let machineCount: Int
    /// Sums over the machines, as ``Plan/totals``.
    public private(set) var totals = FleetTotals(
        footprint: 0, reserveMinimum: 0, fluidTotal: 0, duplicateTotal: 0, staticTotal: 0, savings: 0,
        savingsPercent: RoundedPercent(tenths: 0))

    /// Whether every simulated case of every machine is covered.
    public var covered: Bool { uncoveredCaseCount == 0 }

    let index: PlanIndex
    /// Per OS, with `pool: false`: the most it must supply beyond what is
    /// handed to it in any simulated case (0 for an OS that receives no copy,
    /// and for every OS with `pool: true`).
    let extra: [Int]
    /// Per machine: its reserve minimum (a whole number of granules).
    let reserve: [Int]
    /// Per machine, with `pool: true`: the most its pool must hold after
    /// start-up, beyond what a fault releases there, for no copy on it to be
    /// short with its standbys as the spec allocates them (what `fix` raises
    /// the pool to); 0 with `pool: false`.
    let required: [Int]
    /// Per machine: how many of its cases are not covered.
    let uncoveredByMachine: [Int]
    /// Per machine: its cases, and those that lose a hot-standby job no memory
    /// brings back (whatever memory there is, they stay uncovered).
    let casesByMachine: [Int]
    let beyondMemoryByMachine: [Int]
    /// Per machine: the cases of the whole fleet that are short on it (its
    /// standbys lack what its pool cannot give), and how many of those are
    /// other machines' (their copies start on its standbys): the cases a
    /// raise of this machine's memory is for.
    let shortOnByMachine: [Int]
    let othersShortOnByMachine: [Int]
    /// Per machine: the case of the whole fleet with the largest shortfall on
    /// it (the first in plan order among equals), or `nil` when none is short
    /// on it (what `runway` names as a machine's limit).
    let worstShortOn: [ShortMark?]
    /// Per job: whether some case loses it although it is hot-standby, with no
    /// memory that could bring it back.
    let unrecoverable: [Bool]

    /// Simulates every case of `kinds` once, in one pass over the machines,
    /// and hands each to `observe` (with its machine) while the simulator holds
    /// it. Without `observe`, a `job` case whose job restarts in place is only
    /// counted: it moves nothing and is covered.
    ///
    /// The least layout needs no second pass: with `pool: true` every standby
    /// is at its floor whatever the cases, so each case's demand on each pool
    /// is known as soon as the case is simulated; with `pool: false` each case
    /// raises the demands of its receiving standbys and nothing is asked of a
    /// pool. What the standbys as written would need (`fix`) comes from the
    /// same simulation.
    init(_ index: PlanIndex, kinds: [FaultKind], simulator: CaseSimulator, observe: ((Int) -> Void)?) {
        let machineCount = index.machines.count
        var tally = Tally(index)
        let threads = observe == nil ? min(parallelThreads(), machineCount) : 1
        if threads > 1 {
            // Without `observe` the order of cases does not matter: each thread
            // takes a run of machines with its own simulator and tally, and the
            // tallies combine (maxima, sums) to the same figures.
            let chunks = runs(of: machineCount, threads: threads)
            let simulators = (0..<threads).map { t in t == 0 ? simulator : CaseSimulator(index) }
            tally = Tally.combined(parallel(threads) { t in
                var part = Tally(index)
                for m in chunks[t] { part.cases(m, kinds: kinds, index: index, simulator: simulators[t], observe: nil) }
                return part
            })
        } else {
            for m in 0..<machineCount {
                tally.cases(m, kinds: kinds, index: index, simulator: simulator, observe: observe)
            }
        }
        self.faults = kinds
        self.caseCount = tally.caseCount
        self.uncoveredCaseCount = tally.uncovered.reduce(0, +)
        self.machineCount = machineCount
        self.index = index
        self.extra = tally.extra
        self.reserve = (0..<machineCount).map { m in
            FigureRules.granuleCeiling(tally.reserve[m], granule: index.machines[m].granule)
        }
        self.required = tally.required
        self.uncoveredByMachine = tally.uncovered
        self.casesByMachine = tally.cases
        self.beyondMemoryByMachine = tally.beyondMemory
        self.shortOnByMachine = tally.shortOn
        self.othersShortOnByMachine = tally.othersShortOn
        self.worstShortOn = tally.worst
        self.unrecoverable = tally.unrecoverable
        var figures: [MachinePlan] = []
        figures.reserveCapacity(machineCount)
        for m in 0..<machineCount { figures.append(machinePlan(m, cases: [], named: false)) }
        self.totals = FigureRules.totals(figures)
    }

    /// The figures of machine `m`: footprints, standby minimums and the totals,
    /// with `cases` as its cases. Without `named`, the lists of names (the
    /// standbys each active names, the actives each standby protects, the
    /// jobs no memory brings back) are left empty: the sizes alone, for sums.
    func machinePlan(_ m: Int, cases: [FaultCase], named: Bool = true) -> MachinePlan {
        let record = index.machines[m]
        var actives: [ActiveFigure] = []
        var standbys: [(figure: StandbyFigure, duplicate: Int, staticTotal: Int)] = []
        for o in Int(record.oses.lowerBound)..<Int(record.oses.upperBound) {
            let os = index.oses[o]
            switch os.role {
            case .active:
                // An OS's jobs name few standbys, mostly one after another: a set
                // only once there are many.
                var protectedBy: [Int] = []
                var seen: Set<Int> = []
                for j in os.jobs {
                    let t = Int(index.jobs[Int(j)].target)
                    guard t >= 0, protectedBy.last != t else { continue }
                    if protectedBy.count < 16 {
                        if !protectedBy.contains(t) { protectedBy.append(t) }
                    } else {
                        if seen.isEmpty { seen = Set(protectedBy) }
                        if seen.insert(t).inserted { protectedBy.append(t) }
                    }
                }
                actives.append(
                    ActiveFigure(
                        name: index.osName(o), footprint: os.footprint,
                        protectedBy: named ? protectedBy.map { index.name(os: $0, from: m) } : []))
            case .standby:
                // The actives it protects, each with the Σ standby_memory it sends here;
                // incoming jobs are in document order, so one active's jobs are adjacent.
                var protected: [(os: Int, copies: Int)] = []
                var largestFootprint = 0
                var largestCopies = 0
                for j in index.incoming(o) {
                    let job = index.jobs[Int(j)]
                    let from = Int(job.os)
                    guard index.oses[from].role == .active else { continue }
                    if protected.last?.os == from {
                        protected[protected.count - 1].copies += job.standbyMemory
                    } else {
                        protected.append((from, job.standbyMemory))
                        largestFootprint = max(largestFootprint, index.oses[from].footprint)
                    }
                    largestCopies = max(largestCopies, protected[protected.count - 1].copies)
                }
                standbys.append(
                    FigureRules.standby(
                        name: index.osName(o), kernel: os.kernel, resident: os.resident, allocated: os.footprint,
                        extra: extra[o], granule: record.granule,
                        protects: named ? protected.map { index.name(os: $0.os, from: m) } : [],
                        largestFootprint: largestFootprint, largestCopies: largestCopies))
            }
        }
        let machine = index.machine(m).machine
        var unrecoverableJobs: [String] = []
        for j in Int(record.jobs.lowerBound)..<Int(record.jobs.upperBound) where named && unrecoverable[j] {
            unrecoverableJobs.append(index.name(job: j, from: m))
        }
        return FigureRules.machinePlan(
            (machine.name, machine.memory, machine.monitor, record.pool, machine.reserve), reserveMinimum: reserve[m],
            actives: actives, standbys: standbys, cases: cases, unrecoverableJobs: unrecoverableJobs)
    }

    /// The machines as the JSON and CSV exports walk them: each machine's
    /// figures, then its cases simulated one at a time and written as they come,
    /// never made into ``FaultCase``s.
    func exportMachines() -> some Sequence<SimulatedMachine> {
        let simulator = CaseSimulator(index)
        let namer = CaseNamer(index)
        return (0..<machineCount).lazy.map { m in exportMachine(m, simulator: simulator, namer: namer) }
    }

    /// Scratch space for exporting machines on `threads` threads at once: a
    /// simulator and a namer per thread, each to be used by that thread alone.
    func exporters(_ threads: Int) -> [(simulator: CaseSimulator, namer: CaseNamer)] {
        (0..<threads).map { _ in (CaseSimulator(index), CaseNamer(index)) }
    }

    /// Machine `m` as ``exportMachines()`` walks it, simulated with `simulator`
    /// and named with `namer` (one pair per thread: they are scratch space).
    func exportMachine(_ m: Int, simulator: CaseSimulator, namer: CaseNamer) -> SimulatedMachine {
        SimulatedMachine(
            plan: machinePlan(m, cases: []), covered: uncoveredByMachine[m] == 0, machine: m, faults: faults,
            simulator: simulator, namer: namer)
    }
}

/// A machine of ``PlanFigures`` as the exports walk it: its cases are
/// simulated and named one at a time as they are walked.
struct SimulatedMachine: ExportedMachine {
    let plan: MachinePlan
    let covered: Bool
    let machine: Int
    let faults: [FaultKind]
    let simulator: CaseSimulator
    let namer: CaseNamer

    // In line in each writer: each case then goes to it directly, not through a closure.
    @inline(__always)
    func forEachCase(_ write: (SimulatedCase) -> Void) {
        let index = simulator.index
        index.forEachCase(of: faults, machine: machine) { spec in
            // A job that restarts in place is named without simulating it, as
            // the figures' pass counts it without.
            if index.restartsInPlace(spec) { return write(namer.view(restarting: spec)) }
            simulator.run(spec)
            write(namer.view(of: simulator))
        }
    }
}

/// What the figures' pass adds up over a run of machines: per standby the
/// most it must supply beyond what it is handed (`pool: false`), per machine
/// its reserve minimum and the pool its standbys as written need (`pool:
/// true`) and its uncovered cases, per job whether some case leaves it
/// unrecoverable.
struct Tally {
    var extra: [Int]
    var reserve: [Int]
    var required: [Int]
    var uncovered: [Int]
    /// Per machine: its cases, and those that lose a hot-standby job no
    /// memory brings back (the cases a fix leaves uncovered).
    var cases: [Int]
    var beyondMemory: [Int]
    /// Per machine: the cases short on it, and of those the other machines'.
    var shortOn: [Int]
    var othersShortOn: [Int]
    var worst: [ShortMark?]
    var unrecoverable: [Bool]
    var caseCount = 0

    init(_ index: PlanIndex) {
        extra = Array(repeating: 0, count: index.oses.count)
        reserve = Array(repeating: 0, count: index.machines.count)
        required = Array(repeating: 0, count: index.machines.count)
        uncovered = Array(repeating: 0, count: index.machines.count)
        cases = Array(repeating: 0, count: index.machines.count)
        beyondMemory = Array(repeating: 0, count: index.machines.count)
        shortOn = Array(repeating: 0, count: index.machines.count)
        othersShortOn = Array(repeating: 0, count: index.machines.count)
        worst = Array(repeating: nil, count: index.machines.count)
        unrecoverable = Array(repeating: false, count: index.jobs.count)
    }

    /// Every case of `kinds` on machine `m`.
    mutating func cases(
        _ m: Int, kinds: [FaultKind], index: PlanIndex, simulator: CaseSimulator, observe: ((Int) -> Void)?
    ) {
        let pool = index.policies.pool
        index.forEachCase(of: kinds, machine: m) { spec in
            caseCount += 1
            cases[m] += 1
            guard observe != nil || !index.restartsInPlace(spec) else { return }
            simulator.run(spec)
            if !simulator.covered { uncovered[m] += 1 }
            if !simulator.alwaysCovered && !simulator.unrecoverable.isEmpty { beyondMemory[m] += 1 }
            if simulator.shortfall > 0 {
                for p in 0..<simulator.pools.count where simulator.pools[p].shortfall > 0 {
                    let pm = Int(simulator.pools[p].machine)
                    shortOn[pm] += 1
                    if pm != m { othersShortOn[pm] += 1 }
                    let mark = ShortMark(shortfall: simulator.pools[p].shortfall, machine: m, ordinal: cases[m] - 1)
                    if mark.isWorse(than: worst[pm]) { worst[pm] = mark }
                }
            }
            for u in simulator.unrecoverable.elements { unrecoverable[Int(u.job)] = true }
            if pool {
                simulator.forEachRequiredPool { pm, atFloor, asWritten in
                    reserve[pm] = max(reserve[pm], atFloor)
                    required[pm] = max(required[pm], asWritten)
                }
            } else {
                simulator.raiseDemands(&extra)
            }
            observe?(m)
        }
    }

    /// The tallies of runs of machines, together: sums and maxima.
    static func combined(_ parts: [Tally]) -> Tally {
        var total = parts[0]
        for part in parts.dropFirst() {
            total.caseCount += part.caseCount
            for m in total.uncovered.indices {
                total.uncovered[m] += part.uncovered[m]
                total.cases[m] += part.cases[m]
                total.beyondMemory[m] += part.beyondMemory[m]
                total.shortOn[m] += part.shortOn[m]
                total.othersShortOn[m] += part.othersShortOn[m]
                if let mark = part.worst[m], mark.isWorse(than: total.worst[m]) { total.worst[m] = mark }
                total.reserve[m] = max(total.reserve[m], part.reserve[m])
                total.required[m] = max(total.required[m], part.required[m])
            }
            for j in total.unrecoverable.indices where part.unrecoverable[j] { total.unrecoverable[j] = true }
            for o in total.extra.indices { total.extra[o] = max(total.extra[o], part.extra[o]) }
        }
        return total
    }
}

extension PlanFigures {
    /// Machine `m` planned alone, cases included (``Planner/forEachMachine(_:_:)``
    /// plans each in turn with it; the HTML page the machines that get a
    /// section); `simulator` and `namer` are scratch space.
    func plan(machine m: Int, simulator: CaseSimulator, namer: CaseNamer) -> MachinePlan {
        var cases: [FaultCase] = []
        index.forEachCase(of: faults, machine: m) { spec in
            simulator.run(spec)
            cases.append(FaultCase(namer.view(of: simulator)))
        }
        return machinePlan(m, cases: cases)
    }
}

/// One case's shortfall on a machine, and where the case stands in plan
/// order: its machine, and its place among that machine's cases.
struct ShortMark: Sendable, Hashable {
    var shortfall: Int
    var machine: Int
    var ordinal: Int

    /// More short than `other`, or as short and earlier in plan order.
    func isWorse(than other: ShortMark?) -> Bool {
        guard let other else { return true }
        if shortfall != other.shortfall { return shortfall > other.shortfall }
        return (machine, ordinal) < (other.machine, other.ordinal)
    }
}

extension PlanFigures {
    /// The case a ``ShortMark`` points at, simulated again and named.
    func faultCase(at mark: ShortMark) -> FaultCase? {
        let simulator = CaseSimulator(index)
        let namer = CaseNamer(index)
        var ordinal = 0
        var found: FaultCase?
        index.forEachCase(of: faults, machine: mark.machine) { spec in
            defer { ordinal += 1 }
            guard ordinal == mark.ordinal else { return }
            simulator.run(spec)
            found = FaultCase(namer.view(of: simulator))
        }
        return found
    }
}
