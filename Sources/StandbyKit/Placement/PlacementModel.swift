/// The planner's fleet figures as a function of the actives' standbys
/// (docs/placement.md, "How an assignment is scored"): what `standby place`
/// searches over.
///
/// The fluid total is monitor + footprint + Σ min(S) + max(reserve minimum,
/// reserve) per machine (docs/planning.md, "The figures"). With `pool: true`
/// the standby minimums are their floors and the reserve minimum of machine M
/// is the largest, over every case, of what M's pool must hold; with `pool:
/// false` the reserve part is the `reserve` and each standby's minimum is its
/// floor plus the most it must supply in any case. So the fluid total is a
/// constant plus Σ over *resources* r (machines with `pool: true`, standbys
/// with `pool: false`) of g_r(level_r), where level_r is the largest demand
/// any case makes on r and g_r rounds it as the figures do. A case's demands
/// are what the planner's own simulator (``CaseSimulator``) says, read as
/// ``Tally`` reads them.
///
/// Which cases depend on an assignment: the `os` and `memory` cases of an
/// active, and the `job` cases that fail over a hot-standby job without a
/// `standby:` of its own, depend on that active's standby alone; a machine's
/// `machine` case depends on the standbys of all its actives. Every other
/// case is simulated once (the *base*). Changing one active's standby
/// re-simulates its own cases and its machine's `machine` case, and re-adds
/// only the resources those cases touch.
final class PlacementModel {
    /// An active OS whose `standby:` the placement chooses.
    struct Active {
        /// Its position in ``PlanIndex/oses``, and its machine.
        var os: Int32
        var machine: Int
        /// Its started hot-standby jobs without a `standby:` of their own.
        var freeJobs: [Int32]
        /// Its standby as the spec writes it.
        var today: Int32
        /// The standbys it may take: today's first when allowed, then in
        /// document order (docs/placement.md, "Which standbys an active may take").
        var options: [Int32]
        /// Its cases that depend on its standby, and what simulating them reads.
        var cases: [CaseSpec]
        var work: Int
        /// The standbys its hot-standby jobs with a `standby:` of their own name.
        var fixedTargets: [Int32]
    }

    /// A demand on one resource.
    struct Entry: Equatable {
        var resource: Int32
        var level: Int
    }

    /// What a group of cases does to the figures: the largest demand per
    /// resource (levels above 0, by resource), and how many of them lose a
    /// hot-standby job no memory brings back.
    struct Outcome: Equatable {
        var vector: [Entry] = []
        var beyond = 0
    }

    let index: PlanIndex
    let pool: Bool
    let kinds: [FaultKind]
    /// Per job, where its copy starts in the assignment being simulated.
    let targets: FlatBuffer<Int32>
    let simulator: CaseSimulator
    let actives: [Active]
    /// Per machine: the owner number of its `machine` case (after the
    /// actives' numbers), or −1 when it has none that depends on a standby.
    let machineOwner: [Int]
    /// Per `machine`-case owner: its machine and what simulating it reads.
    let machineCases: [(machine: Int, work: Int)]
    /// Per resource: its demand from the cases no assignment changes.
    private(set) var base: [Int] = []
    private(set) var baseBeyond = 0
    /// The fluid total's part that no assignment changes.
    let constant: Int
    /// Resources: machines (`pool: true`) or OSes (`pool: false`, standbys only count).
    let resourceCount: Int
    /// Per resource: its granule, and the machine's reserve (`pool: true`) or
    /// the standby's floor (`pool: false`; −1 for an OS that is no standby).
    private var granules: [Int] = []
    private var fixed: [Int] = []
    /// Work done so far, in units of one case plus the jobs it reads.
    private(set) var work = 0

    // The assignment held, and its figures.
    private(set) var choice: [Int32]
    /// Per owner (actives, then `machine` cases): its outcome now.
    private(set) var outcomes: [Outcome]
    /// Per resource: its level now, and each owner's demand on it.
    private(set) var levels: [Int]
    private var demands: [[(owner: Int32, level: Int)]]
    /// Σ g_r(level_r), the beyond-memory cases and the changed references.
    private(set) var variable = 0
    private(set) var beyond = 0
    private(set) var changes = 0

    /// Scratch: per resource the largest demand of the cases being added up.
    private var scratch: [Int]
    private var touched: [Int32] = []

    /// The model of `compiled` for `kinds`; `nil` when it has no active whose
    /// standby can be chosen.
    init(_ compiled: CompiledSpec, kinds: [FaultKind]) {
        let index = PlanIndex(compiled)
        self.index = index
        self.pool = index.policies.pool
        self.kinds = kinds
        let targets = FlatBuffer<Int32>(capacity: index.jobs.count)
        for job in index.jobs { targets.append(job.target) }
        self.targets = targets
        self.simulator = CaseSimulator(index, targets: targets)
        resourceCount = pool ? index.machines.count : index.oses.count
        scratch = Array(repeating: 0, count: resourceCount)
        if pool {
            granules = index.machines.map(\.granule)
            fixed = index.machines.indices.map { index.machine($0).machine.reserve }
        } else {
            granules = index.oses.map { index.machines[Int($0.machine)].granule }
            fixed = index.oses.map { $0.role == .standby ? $0.kernel + $0.resident : -1 }
        }

        let machineFaults = kinds.contains(.machine)
        let standbys = index.oses.indices.filter { index.oses[$0].role == .standby }.map { Int32(truncatingIfNeeded: $0) }
        // Per OS, the free jobs and the fixed targets; per machine, whether a
        // fixed copy stays on it (its `machine` case is lost whatever the choice).
        var actives: [Active] = []
        var activeOf = [Int](repeating: -1, count: index.oses.count)
        var fixedLocal = [Bool](repeating: false, count: index.machines.count)
        for o in index.oses.indices where index.oses[o].role == .active {
            let os = index.oses[o]
            let m = Int(os.machine)
            let specOS = compiled.machines[m].machine.oses[Int(os.local)]
            var free: [Int32] = []
            var fixed: [Int32] = []
            for j in os.jobs {
                let job = index.jobs[Int(j)]
                guard job.hotStandby, job.target >= 0 else { continue }
                let specIndex = Int(job.specIndex)
                let own = specIndex < specOS.jobs.count ? specOS.jobs[specIndex].standby : nil
                if own == nil && specOS.standby != nil {
                    free.append(j)
                } else {
                    if !fixed.contains(job.target) { fixed.append(job.target) }
                    if Int(index.oses[Int(job.target)].machine) == m { fixedLocal[m] = true }
                }
            }
            guard let first = free.first else { continue }
            activeOf[o] = actives.count
            actives.append(
                Active(
                    os: Int32(truncatingIfNeeded: o), machine: m, freeJobs: free, today: index.jobs[Int(first)].target,
                    options: [], cases: [], work: 0, fixedTargets: fixed))
        }
        // A machine whose `machine` case every copy may survive: all its
        // actives' standbys must then be elsewhere (docs/placement.md).
        var machineOwner = [Int](repeating: -1, count: index.machines.count)
        var machineCases: [(machine: Int, work: Int)] = []
        for a in actives.indices {
            let m = actives[a].machine
            let remote = standbys.filter { Int(index.oses[Int($0)].machine) != m }
            let restricted = machineFaults && !fixedLocal[m] && !remote.isEmpty
            let allowed = restricted ? remote : standbys
            actives[a].options =
                (allowed.contains(actives[a].today) ? [actives[a].today] : []) + allowed.filter { $0 != actives[a].today }
            if machineFaults && machineOwner[m] < 0 {
                machineOwner[m] = actives.count + machineCases.count
                machineCases.append((m, 1 + index.machines[m].jobs.count))
            }
        }
        // Every case once: the dependent ones to their owners, the rest to the base.
        var free = [Bool](repeating: false, count: index.jobs.count)
        for a in actives { for j in a.freeJobs { free[Int(j)] = true } }
        var baseCases: [CaseSpec] = []
        for m in index.machines.indices {
            index.forEachCase(of: kinds, machine: m) { spec in
                guard spec.kind != .standby, !index.restartsInPlace(spec) else { return }
                switch spec.kind {
                case .os, .memory:
                    let a = activeOf[spec.target]
                    guard a >= 0 else { return baseCases.append(spec) }
                    actives[a].cases.append(spec)
                    actives[a].work += 1 + index.oses[spec.target].jobs.count
                case .job:
                    // Only a hot-standby job failed over moves a copy.
                    let job = index.jobs[spec.target]
                    guard free[spec.target], let severity = spec.severity, job.policy[severity] == .failover else {
                        return baseCases.append(spec)
                    }
                    let a = activeOf[Int(job.os)]
                    actives[a].cases.append(spec)
                    actives[a].work += 1
                case .machine:
                    if machineOwner[m] < 0 { baseCases.append(spec) }
                case .standby:
                    break
                }
            }
        }
        self.actives = actives
        self.machineOwner = machineOwner
        self.machineCases = machineCases
        choice = actives.map(\.today)

        // The constant part: monitors, actives' footprints, and the standbys'
        // floors (`pool: true`) or the reserves (`pool: false`).
        var constant = 0
        for m in index.machines.indices {
            let record = index.machines[m]
            constant += index.machine(m).machine.monitor
            if !pool { constant += index.machine(m).machine.reserve }
            for o in Int(record.oses.lowerBound)..<Int(record.oses.upperBound) {
                let os = index.oses[o]
                if os.role == .active {
                    constant += os.footprint
                } else if pool {
                    constant += FigureRules.granuleCeiling(os.kernel + os.resident, granule: record.granule)
                }
            }
        }
        self.constant = constant
        levels = Array(repeating: 0, count: resourceCount)
        demands = Array(repeating: [], count: resourceCount)
        outcomes = []

        let baseOutcome = simulate(baseCases)
        var baseLevels = Array(repeating: 0, count: resourceCount)
        for e in baseOutcome.vector { baseLevels[Int(e.resource)] = e.level }
        base = baseLevels
        baseBeyond = baseOutcome.beyond
        levels = baseLevels
        for a in actives.indices { outcomes.append(simulate(actives[a].cases)) }
        for k in machineCases.indices { outcomes.append(simulateMachine(k)) }
        for (owner, outcome) in outcomes.enumerated() {
            for e in outcome.vector {
                demands[Int(e.resource)].append((Int32(truncatingIfNeeded: owner), e.level))
                levels[Int(e.resource)] = max(levels[Int(e.resource)], e.level)
            }
        }
        beyond = baseBeyond + outcomes.reduce(0) { $0 + $1.beyond }
        variable = (0..<resourceCount).reduce(0) { satAdd($0, g($1, levels[$1])) }
        work = 0
    }

    /// The fluid total of the assignment held.
    var fluidTotal: Int { satAdd(constant, variable) }

    /// Whether resource `r` is counted (every machine; with `pool: false` standbys only).
    func counts(_ r: Int) -> Bool { pool || fixed[r] >= 0 }

    /// What resource `r` adds to the fluid total at demand `level`: with
    /// `pool: true` the larger of the reserve minimum (in whole granules) and
    /// the machine's reserve; with `pool: false` the standby's minimum.
    func g(_ r: Int, _ level: Int) -> Int {
        if pool { return max(FigureRules.granuleCeiling(level, granule: granules[r]), fixed[r]) }
        guard fixed[r] >= 0 else { return 0 }
        return FigureRules.granuleCeiling(satAdd(fixed[r], level), granule: granules[r])
    }

    /// The largest demand resource `r` takes, at its level now, without adding
    /// to the fluid total.
    func plateau(_ r: Int) -> Int { pool ? g(r, levels[r]) : g(r, levels[r]) - fixed[r] }

    /// The resource a copy sent to standby `s` is counted on.
    func resource(of s: Int32) -> Int32 { pool ? index.oses[Int(s)].machine : s }

    /// Points active `a`'s free jobs at standby `s` (simulations only).
    func point(_ a: Int, at s: Int32) {
        for j in actives[a].freeJobs { targets[Int(j)] = s }
    }

    /// Simulates `cases` with the targets as they are and adds up their demands.
    func simulate(_ cases: [CaseSpec]) -> Outcome {
        var outcome = Outcome()
        for spec in cases {
            simulator.run(spec)
            work += 1 + simulator.copies.count + simulator.receivers.count
            if !simulator.alwaysCovered && !simulator.unrecoverable.isEmpty { outcome.beyond += 1 }
            if pool {
                simulator.forEachRequiredPool { pm, atFloor, _ in raise(Int32(truncatingIfNeeded: pm), atFloor) }
            } else {
                for r in 0..<simulator.receivers.count {
                    let receiver = simulator.receivers[r]
                    raise(receiver.os, lacking(receiver.need, minus: receiver.handed))
                }
            }
        }
        touched.sort()
        outcome.vector.reserveCapacity(touched.count)
        for r in touched {
            outcome.vector.append(Entry(resource: r, level: scratch[Int(r)]))
            scratch[Int(r)] = 0
        }
        touched.removeAll(keepingCapacity: true)
        return outcome
    }

    private func raise(_ r: Int32, _ level: Int) {
        guard level > 0 else { return }
        if scratch[Int(r)] == 0 { touched.append(r) }
        scratch[Int(r)] = max(scratch[Int(r)], level)
    }

    /// The `machine` case of owner `k` (after the actives), simulated.
    func simulateMachine(_ k: Int) -> Outcome {
        simulate([CaseSpec(kind: .machine, machine: machineCases[k].machine, target: machineCases[k].machine)])
    }

    /// A change of one active's standby, scored.
    struct Move {
        var active: Int
        var standby: Int32
        /// The owners whose outcomes change, with their new outcomes.
        var owners: [(owner: Int, outcome: Outcome)]
        var variable: Int
        var beyond: Int
        var changes: Int
    }

    /// Active `a` moved to standby `s`, scored on the planner's simulation of
    /// every case that depends on it (its own cases and its machine's
    /// `machine` case); nothing is kept until ``apply(_:)``. Its cost is
    /// bounded by ``Active/work`` plus the machine's jobs.
    func evaluate(_ a: Int, to s: Int32) -> Move {
        point(a, at: s)
        var owners: [(owner: Int, outcome: Outcome)] = [(a, simulate(actives[a].cases))]
        let m = actives[a].machine
        if machineOwner[m] >= 0 {
            owners.append((machineOwner[m], simulateMachine(machineOwner[m] - actives.count)))
        }
        point(a, at: choice[a])
        var variable = self.variable
        var beyond = self.beyond
        var affected: [Int32] = []
        for (owner, outcome) in owners {
            beyond += outcome.beyond - outcomes[owner].beyond
            for e in outcomes[owner].vector + outcome.vector where !affected.contains(e.resource) {
                affected.append(e.resource)
            }
        }
        for r in affected {
            var level = base[Int(r)]
            for d in demands[Int(r)] where !owners.contains(where: { $0.owner == Int(d.owner) }) {
                level = max(level, d.level)
            }
            for (_, outcome) in owners {
                if let e = outcome.vector.first(where: { $0.resource == r }) { level = max(level, e.level) }
            }
            let before = g(Int(r), levels[Int(r)])
            let after = g(Int(r), level)
            variable = after >= before ? satAdd(variable, after - before) : variable - (before - after)
        }
        let today = actives[a].today
        let changes = self.changes + (s != today ? 1 : 0) - (choice[a] != today ? 1 : 0)
        return Move(active: a, standby: s, owners: owners, variable: variable, beyond: beyond, changes: changes)
    }

    /// Makes `move` the assignment held.
    func apply(_ move: Move) {
        choice[move.active] = move.standby
        point(move.active, at: move.standby)
        var affected: [Int32] = []
        for (owner, outcome) in move.owners {
            for e in outcomes[owner].vector {
                demands[Int(e.resource)].removeAll { Int($0.owner) == owner }
                if !affected.contains(e.resource) { affected.append(e.resource) }
            }
            for e in outcome.vector {
                demands[Int(e.resource)].append((Int32(truncatingIfNeeded: owner), e.level))
                if !affected.contains(e.resource) { affected.append(e.resource) }
            }
            outcomes[owner] = outcome
        }
        for r in affected {
            levels[Int(r)] = demands[Int(r)].reduce(base[Int(r)]) { max($0, $1.level) }
        }
        variable = move.variable
        beyond = move.beyond
        changes = move.changes
    }

    /// Charges `units` of work done outside a simulation (the bound's and the
    /// exhaustive search's own steps).
    func charge(_ units: Int) { work = satAdd(work, units) }
}
