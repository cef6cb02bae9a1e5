// What `Headroom` computes once per spec, so that trying n jobs on an OS
// touches only what n jobs can change (docs/headroom.md, "Exact and fast").
//
// Adding jobs to OS X on machine M changes X's own region and jobs, the pool
// of M (lower by what the new jobs took from it at start-up), and the
// start-up of the OSes after X on M. Every other OS, job and pool stays as it
// is. So a case can change only if it reads M's pool (one of its receiving
// standbys is on M) or X's jobs (`os`/`memory` of X, `machine` of M), or is a
// new job's own case. Cases that read only M's pool are covered, as long as
// M's pool holds `slack` more than the case misses there: the index keeps
// that slack per case, from the rules' own outcome (`CaseRules`).

/// A case's place in the plan's order: machine, kind (``FaultKind`` order),
/// OS, job, severity (light first). Lets the first failing case be named as
/// the plan would list it.
struct CaseKey: Comparable, Hashable, Sendable {
    var machine: Int
    var kind: FaultKind
    var os: Int
    var job: Int
    var severe: Bool

    init(_ fault: Fault) {
        machine = fault.machine
        kind = fault.kind
        switch fault {
        case .os(let o), .standby(let o), .memory(let o): (os, job, severe) = (o.os, -1, false)
        case .job(let j, let s): (os, job, severe) = (j.os, j.job, s == .severe)
        case .machine: (os, job, severe) = (-1, -1, false)
        }
    }

    static func < (a: Self, b: Self) -> Bool {
        (a.machine, a.kind, a.os, a.job, a.severe ? 1 : 0) < (b.machine, b.kind, b.os, b.job, b.severe ? 1 : 0)
    }
}

/// A small final state around one machine M: M itself whole, and every
/// machine where a standby of M's jobs or OSes runs, with their OSes and
/// pools but without their jobs. Every case of M (but for the lists of
/// unprotected jobs of a `machine` case, which no coverage reads) comes out
/// of `CaseRules` on it as on the whole spec, at the cost of M's size, not
/// the spec's (HeadroomTests checks it on random specs).
struct LocalState {
    var state: FinalState
    /// Local machine position → the spec's.
    var global: [Int]
    /// M's position in ``state``.
    var home: Int

    /// The local position of the spec's machine `g`, if it is here.
    func local(_ g: Int) -> Int? {
        // `global` is sorted and holds a few machines.
        global.firstIndex(of: g)
    }

    /// A fault of a local state, addressed in the whole spec.
    func globalFault(_ fault: Fault) -> Fault {
        let g = { (a: OSAddress) in OSAddress(machine: global[a.machine], os: a.os) }
        switch fault {
        case .os(let o): return .os(g(o))
        case .memory(let o): return .memory(g(o))
        case .standby(let o): return .standby(g(o))
        case .job(let j, let s): return .job(JobAddress(machine: global[j.machine], os: j.os, job: j.job), s)
        case .machine(let m): return .machine(global[m])
        }
    }

    /// A fault of the whole spec, addressed here (`nil` when its machine is not).
    func localFault(_ fault: Fault) -> Fault? {
        guard let lm = local(fault.machine) else { return nil }
        switch fault {
        case .os(let o): return .os(OSAddress(machine: lm, os: o.os))
        case .memory(let o): return .memory(OSAddress(machine: lm, os: o.os))
        case .standby(let o): return .standby(OSAddress(machine: lm, os: o.os))
        case .job(let j, let s): return .job(JobAddress(machine: lm, os: j.os, job: j.job), s)
        case .machine: return .machine(lm)
        }
    }

    init(machine m: Int, in full: FinalState, osStandbys: [OSAddress?]) {
        var machines = Set([m])
        for os in full.machines[m].oses {
            for job in os.jobs { if let s = job.standby { machines.insert(s.machine) } }
        }
        for s in osStandbys { if let s { machines.insert(s.machine) } }
        let global = machines.sorted()
        var position: [Int: Int] = [:]
        for (l, g) in global.enumerated() { position[g] = l }
        func remap(_ a: OSAddress?) -> OSAddress? {
            a.flatMap { a in position[a.machine].map { OSAddress(machine: $0, os: a.os) } }
        }
        var locals: [FinalMachine] = []
        for g in global {
            var machine = full.machines[g]
            for o in machine.oses.indices {
                if g == m {
                    for j in machine.oses[o].jobs.indices {
                        machine.oses[o].jobs[j].standby = remap(machine.oses[o].jobs[j].standby)
                    }
                } else {
                    machine.oses[o].jobs = []
                }
            }
            locals.append(machine)
        }
        self.state = FinalState(policies: full.policies, machines: locals)
        self.global = global
        self.home = position[m] ?? 0
    }
}

/// The start-up of one machine as the new jobs meet it.
struct StartUpMargins {
    /// Per step, in start order: its OS, the pool before it and its expansion.
    var steps: [(os: Int, job: Int, poolBefore: Int, expansion: Int)]
    var reserve: Int
    /// Per OS: the pool right after its last job started (before the next OS's
    /// first job); where new jobs of that OS start.
    var poolAfter: [Int]
    /// Per OS: the least, over the expanding steps of later OSes, of
    /// pool before − reserve − expansion: how much less pool those steps can
    /// meet and still start (`Int.max` when none expands).
    var laterMargin: [Int]

    init(_ cm: CompiledMachine) {
        let spec = cm.machine
        reserve = spec.reserve
        var pool = cm.initial.last?.size ?? 0
        steps = []
        for step in cm.steps {
            steps.append((step.os, step.job, pool, step.expansion))
            pool -= step.expansion
        }
        // Steps come OS by OS: the first step of an OS after `o` is where
        // `o`'s new jobs would have started, and every step from there on is later.
        var suffixMargin = Array(repeating: Int.max, count: steps.count + 1)
        for i in steps.indices.reversed() {
            let s = steps[i]
            let margin = s.expansion > 0 ? s.poolBefore - reserve - s.expansion : Int.max
            suffixMargin[i] = min(suffixMargin[i + 1], margin)
        }
        poolAfter = []
        laterMargin = []
        var i = 0
        for o in spec.oses.indices {
            while i < steps.count && steps[i].os <= o { i += 1 }
            poolAfter.append(i < steps.count ? steps[i].poolBefore : pool)
            laterMargin.append(suffixMargin[i])
        }
    }

    /// The first step of an OS after `x` that cannot start once the pool is
    /// `taken` bytes lower: its OS and job, and what start-up says.
    func firstFailing(after x: Int, taken: Int) -> (os: Int, job: Int, needed: Int, available: Int)? {
        for s in steps where s.os > x && s.expansion > 0 {
            let available = max(0, s.poolBefore - taken - reserve)
            if available < s.expansion { return (s.os, s.job, s.expansion, available) }
        }
        return nil
    }
}

/// A case covered today that reads one machine's pool: it stays covered while
/// that pool drops by at most `slack` bytes (held − missing there). For a
/// case not covered today, `shortfall` is its shortfall today: once the pool
/// drops by t > slack, its draw there drops, and its shortfall grows, by
/// t − max(slack, 0) (a pool gives min(held, missing)).
struct PoolDependent: Sendable {
    var key: CaseKey
    var fault: Fault
    var slack: Int
    var shortfall = 0
}

/// The `machine` case of one machine as planned today, kept so that a count
/// of new hot-standby jobs updates it by their copies alone, in O(1), rather
/// than simulating every job of the machine again for every count of every
/// active OS (which made a machine of many actives cost the square of them).
///
/// In a `machine` case nothing is handed or released and every receiving
/// standby is on another machine, so n new copies for standby S change only
/// S's need, hence S's missing and its machine's pool: the rest of the
/// outcome is today's.
struct MachineCaseBase: Sendable {
    /// Today's outcome, addressed in the machine's local state.
    var outcome: CaseRules.Outcome
    /// Receiving standby (local) → its position in ``outcome``'s receivers.
    var receiverAt: [OSAddress: Int]
    /// Local machine → its position in ``outcome``'s pools.
    var poolAt: [Int: Int]
    /// The first two pools (positions) that are short today, in pool order.
    var shortPools: [Int]

    init(_ outcome: CaseRules.Outcome) {
        self.outcome = outcome
        var receiverAt: [OSAddress: Int] = [:]
        for (r, receiver) in outcome.receivers.enumerated() { receiverAt[receiver.standby] = r }
        var poolAt: [Int: Int] = [:]
        for (p, pool) in outcome.pools.enumerated() { poolAt[pool.machine] = p }
        self.receiverAt = receiverAt
        self.poolAt = poolAt
        shortPools = Array(outcome.pools.indices.filter { outcome.pools[$0].shortfall > 0 }.prefix(2))
    }
}

/// The covered cases that read one machine's pool, sorted by slack, with, for
/// every prefix, its (at most) three smallest cases in plan order: the first
/// failing case of a count is then found by a binary search, not by a scan of
/// every case about to fail (which, repeated for every active OS of a
/// machine, grew with the square of them).
struct DependentIndex: Sendable {
    var dependents: [PoolDependent] = []
    /// Per prefix length p (0…count): positions of the ≤ 3 smallest keys of dependents[0..<p], ascending by key.
    var smallest: [[Int]] = [[]]

    init(_ sorted: [PoolDependent]) {
        dependents = sorted
        smallest.reserveCapacity(sorted.count + 1)
        var best: [Int] = []
        for i in sorted.indices {
            best.append(i)
            best.sort { sorted[$0].key < sorted[$1].key }
            if best.count > 3 { best.removeLast() }
            smallest.append(best)
        }
    }

    init() {}

    /// The first case in plan order, among those whose slack is below `taken`,
    /// that is not in `excluded` (at most two cases).
    func firstFailing(taken: Int, excluding excluded: Set<CaseKey>) -> PoolDependent? {
        var low = 0
        var high = dependents.count
        while low < high {
            let mid = (low + high) / 2
            if dependents[mid].slack < taken { low = mid + 1 } else { high = mid }
        }
        for i in smallest[low] where !excluded.contains(dependents[i].key) { return dependents[i] }
        return nil
    }
}

/// The cases not covered today that draw on one machine's pool, sorted by
/// max(slack, 0), then in plan order. When the pool drops by t, a case's
/// draw there drops (and its shortfall grows) by t − max(slack, 0) when that
/// is above 0: those cases are a prefix, the most worsened first.
struct UncoveredIndex: Sendable {
    var dependents: [PoolDependent]
    /// A case → its position (a case has one entry per pool it draws on).
    var position: [CaseKey: Int] = [:]

    init(_ unsorted: [PoolDependent]) {
        dependents = unsorted.sorted { a, b in (max(a.slack, 0), a.key) < (max(b.slack, 0), b.key) }
        for (i, d) in dependents.enumerated() { position[d.key] = i }
    }

    /// How many of the cases the pool dropping by `taken` leaves shorter.
    func prefix(taken: Int) -> Int {
        var low = 0
        var high = dependents.count
        while low < high {
            let mid = (low + high) / 2
            if max(dependents[mid].slack, 0) < taken { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// Everything computed once per spec.
struct HeadroomIndex {
    let compiled: CompiledSpec
    let full: FinalState
    let kinds: [FaultKind]
    /// Per machine: its local state (``LocalState``).
    var locals: [LocalState] = []
    /// Per machine, per OS: its own `standby:` resolved, when it names a standby.
    var osStandbys: [[OSAddress?]] = []
    /// Per machine: the covered cases that read its pool, by slack ascending.
    var dependents: [DependentIndex] = []
    /// Per machine: the cases not covered today that draw on its pool (with
    /// `pool: true`): the new jobs leave the first of them shorter.
    var uncoveredDependents: [UncoveredIndex] = []
    /// Per machine: its `machine` case today, when `machine` is planned.
    var machineCases: [MachineCaseBase?] = []
    /// The cases covered today, of the kinds that X's jobs touch (os, memory, machine).
    var coveredToday: Set<CaseKey> = []
    var margins: [StartUpMargins] = []
    /// Per machine: Σ standby_memory of its hot-standby jobs with a standby (fits: FigureBounds).
    var outgoingCopies: [Int] = []

    init(_ compiled: CompiledSpec, kinds: [FaultKind]) {
        let full = FinalState(compiled)
        self.compiled = compiled
        self.full = full
        self.kinds = kinds
        let resolver = StandbyResolver(compiled.machines.map(\.machine))
        for (m, cm) in compiled.machines.enumerated() {
            osStandbys.append(
                cm.machine.oses.map { os in
                    guard let target = os.standby.flatMap({ resolver.resolve($0, from: m) }) else { return nil }
                    let address = OSAddress(machine: target.machine, os: target.os)
                    return full.os(address).role == .standby ? address : nil
                })
            margins.append(StartUpMargins(cm))
            var copies = 0
            for os in full.machines[m].oses {
                for job in os.jobs where job.hotStandby && job.standby != nil { copies += job.standbyMemory }
            }
            outgoingCopies.append(copies)
        }
        // Machine by machine, on every core; the runs are joined in order and
        // each machine's dependents sorted by (slack, case), so the index is
        // the same on any number of threads.
        let osStandbys = self.osStandbys
        let runs = runs(of: compiled.machines.count, threads: parallelThreads(for: compiled.spec))
        let parts = parallel(runs.count) { t in
            var locals: [LocalState] = []
            var machineCases: [MachineCaseBase?] = []
            var found: [(machine: Int, dependent: PoolDependent)] = []
            var uncovered: [(machine: Int, dependent: PoolDependent)] = []
            var covered: [CaseKey] = []
            for m in runs[t] {
                let local = LocalState(machine: m, in: full, osStandbys: osStandbys[m])
                locals.append(local)
                var machineCase: MachineCaseBase?
                // A `standby` case is covered whatever happens: it reads no pool.
                for fault in local.state.faults(kinds, machine: local.home) where fault.kind != .standby {
                    let outcome = CaseRules.outcome(of: fault, in: local.state)
                    if fault.kind == .machine { machineCase = MachineCaseBase(outcome) }
                    guard outcome.covered else {
                        // A pool that gives nothing (`pool: false`) gives nothing less with less in it.
                        guard full.policies.pool else { continue }
                        let global = local.globalFault(fault)
                        for pool in outcome.pools where pool.missing > 0 {
                            uncovered.append(
                                (local.global[pool.machine],
                                 PoolDependent(
                                    key: CaseKey(global), fault: global, slack: pool.held - pool.missing,
                                    shortfall: outcome.shortfall)))
                        }
                        continue
                    }
                    let global = local.globalFault(fault)
                    let key = CaseKey(global)
                    if fault.kind == .os || fault.kind == .memory || fault.kind == .machine { covered.append(key) }
                    for pool in outcome.pools where pool.missing > 0 {
                        found.append(
                            (local.global[pool.machine], PoolDependent(key: key, fault: global, slack: pool.held - pool.missing)))
                    }
                }
                machineCases.append(machineCase)
            }
            return (locals, machineCases, found, uncovered, covered)
        }
        var found = Array(repeating: [PoolDependent](), count: compiled.machines.count)
        var uncovered = found
        for (locals, machineCases, dependents, worse, covered) in parts {
            self.locals.append(contentsOf: locals)
            self.machineCases.append(contentsOf: machineCases)
            for (m, dependent) in dependents { found[m].append(dependent) }
            for (m, dependent) in worse { uncovered[m].append(dependent) }
            coveredToday.formUnion(covered)
        }
        let order = { (a: PoolDependent, b: PoolDependent) in (a.slack, a.key) < (b.slack, b.key) }
        dependents = found.map { list in DependentIndex(list.sorted(by: order)) }
        uncoveredDependents = uncovered.map(UncoveredIndex.init)
    }
}
