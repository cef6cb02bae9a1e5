// The rules of the plan's figures (docs/model.md, "Planning: every single fault";
// `docs/planning.md`, "The figures"), stated once on the case rules'
// outcomes: footprints, allocations, the standby and reserve minimums, the
// fluid, duplicate and static totals, the savings, the fleet's totals.
//
// Like `CaseRules.swift` this is the statement the engine must follow, and
// the property tests compare the engine's plan with `FigureRules.plan`.

/// The figures of a plan, from the outcomes of its cases.
enum FigureRules {
    /// Every case of `kinds` (the spec's faults when `nil`), and every figure.
    static func plan(_ compiled: CompiledSpec, faults kinds: [FaultKind]? = nil) -> Plan {
        plan(FinalState(compiled), faults: kinds ?? compiled.spec.policies.faults)
    }

    /// Every case of `kinds` on `state`, and every figure.
    static func plan(_ state: FinalState, faults kinds: [FaultKind]) -> Plan {
        let kinds = Array(Set(kinds)).sorted()
        let outcomes = state.machines.indices.map { m in
            state.faults(kinds, machine: m).map { CaseRules.outcome(of: $0, in: state) }
        }
        let all = outcomes.flatMap { $0 }
        let extra = standbyExtra(all, in: state)
        let reserve = reserveMinimums(all, in: state)
        let unrecoverable = Set(all.flatMap { $0.unrecoverable.map(\.job) })
        let machines = state.machines.indices.map { m in
            machinePlan(
                m, in: state, extra: extra, reserve: reserve[m],
                cases: outcomes[m].map { faultCase($0, in: state) },
                unrecoverable: state.jobs(of: m).filter(unrecoverable.contains).map { state.name($0, from: m) })
        }
        return Plan(faults: kinds, machines: machines, totals: totals(machines))
    }

    /// Per standby: what it must hold beyond its floor (kernel + resident)
    /// in the least layout. With `pool: true`, nothing: whatever a standby's
    /// copies need beyond what is handed to them is drawn from the pool, which
    /// serves every case, and no two cases happen together, so memory kept in
    /// one standby's allocation is never better than the same memory in the
    /// pool. With `pool: false`, the most it must supply beyond what is handed
    /// to it in any simulated case of any kind: max(0, need − handed).
    static func standbyExtra(_ outcomes: [CaseRules.Outcome], in state: FinalState) -> [OSAddress: Int] {
        var extra: [OSAddress: Int] = [:]
        guard !state.policies.pool else { return extra }
        for outcome in outcomes {
            for r in outcome.receivers {
                extra[r.standby] = max(extra[r.standby] ?? 0, max(0, r.need - r.handed))
            }
        }
        return extra
    }

    /// Per machine: the largest, over every case, of what its pool must hold
    /// after start-up beyond what the fault releases there, with every
    /// standby at its floor (no free memory), rounded up to the machine's
    /// granule (a pool is a whole number of granules). 0 with `pool: false`.
    static func reserveMinimums(_ outcomes: [CaseRules.Outcome], in state: FinalState) -> [Int] {
        var reserve = Array(repeating: 0, count: state.machines.count)
        guard state.policies.pool else { return reserve }
        for outcome in outcomes {
            for (machine, bytes) in CaseRules.requiredPools(outcome, free: [:]) {
                reserve[machine] = max(reserve[machine], bytes)
            }
        }
        return reserve.indices.map { granuleCeiling(reserve[$0], granule: state.machines[$0].granule) }
    }

    /// `bytes` rounded up to a whole number of granules. The figures'
    /// bounds (`FigureBounds`) leave room for a granule per standby and
    /// one for the pool, so this never passes 2^63−1.
    static func granuleCeiling(_ bytes: Int, granule: Int) -> Int {
        Quantity.roundUp(bytes, to: max(1, granule)) ?? Int.max
    }

    /// The figures of machine `m`.
    static func machinePlan(
        _ m: Int, in state: FinalState, extra: [OSAddress: Int], reserve: Int, cases: [FaultCase],
        unrecoverable: [String]
    ) -> MachinePlan {
        let machine = state.machines[m]
        let oses = machine.oses.indices.map { OSAddress(machine: m, os: $0) }
        let actives = oses.filter { state.os($0).role == .active }
        let standbys = oses.filter { state.os($0).role == .standby }

        let activeFigures = actives.map { a in
            // The standbys its hot-standby jobs fail over to, in the order they first appear.
            var protectedBy: [OSAddress] = []
            for j in state.jobs(of: a) {
                if let s = state.job(j).standby, !protectedBy.contains(s) { protectedBy.append(s) }
            }
            return ActiveFigure(
                name: state.os(a).name, footprint: state.os(a).footprint,
                protectedBy: protectedBy.map { state.name($0, from: m) })
        }
        let standbyFigures = standbys.map { s in
            let os = state.os(s)
            // The actives it protects, in document order, each with the copies it sends here.
            var protects: [OSAddress] = []
            for j in state.incoming(s) where state.os(j.osAddress).role == .active {
                if !protects.contains(j.osAddress) { protects.append(j.osAddress) }
            }
            return standby(
                name: os.name, kernel: os.kernel, resident: os.resident, allocated: os.footprint, extra: extra[s] ?? 0,
                granule: machine.granule, protects: protects.map { state.name($0, from: m) },
                largestFootprint: protects.map { state.os($0).footprint }.max() ?? 0,
                largestCopies: protects.map { a in
                    state.jobs(of: a).filter { state.job($0).standby == s }.reduce(0) { $0 + state.job($1).standbyMemory }
                }.max() ?? 0)
        }
        return machinePlan(
            (machine.name, machine.memory, machine.monitor, machine.pool, machine.reserve), reserveMinimum: reserve,
            actives: activeFigures, standbys: standbyFigures, cases: cases, unrecoverableJobs: unrecoverable)
    }

    /// A standby's figures, and what it adds to its machine's duplicate and
    /// static totals: its minimum is its floor (kernel + resident) plus
    /// `extra`, in whole granules; the duplicate layout holds the largest
    /// footprint among the actives it protects (never below its floor), the
    /// static layout its floor plus the largest copy set one of them sends it.
    static func standby(
        name: String, kernel: Int, resident: Int, allocated: Int, extra: Int, granule: Int, protects: [String],
        largestFootprint: Int, largestCopies: Int
    ) -> (figure: StandbyFigure, duplicate: Int, staticTotal: Int) {
        let base = kernel + resident
        let figure = StandbyFigure(
            name: name, kernel: kernel, resident: resident, allocated: allocated,
            minimum: granuleCeiling(base + extra, granule: granule), protects: protects)
        return (figure, max(base, largestFootprint), base + largestCopies)
    }

    /// A machine's plan from the figures of its OSes: the one statement of
    /// its footprint, its fluid, duplicate and static totals and its savings,
    /// for the rules and the engine (`PlanFigures`). `machine.pool` is its
    /// pool after start-up.
    static func machinePlan(
        _ machine: (name: String, memory: Int, monitor: Int, pool: Int, reserve: Int), reserveMinimum: Int,
        actives: [ActiveFigure], standbys: [(figure: StandbyFigure, duplicate: Int, staticTotal: Int)],
        cases: [FaultCase], unrecoverableJobs: [String]
    ) -> MachinePlan {
        let footprint = actives.reduce(0) { $0 + $1.footprint }
        let base = machine.monitor + footprint
        // The least layout: the pool after start-up holds the reserve minimum
        // and never less than the machine's own `reserve`.
        let fluid = base + standbys.reduce(0) { $0 + $1.figure.minimum } + max(reserveMinimum, machine.reserve)
        let duplicate = base + standbys.reduce(0) { $0 + $1.duplicate }
        let staticTotal = base + standbys.reduce(0) { $0 + $1.staticTotal }
        // Both totals are between 0 and Int.max, so the difference fits.
        let savings = duplicate - fluid
        return MachinePlan(
            name: machine.name, memory: machine.memory, monitor: machine.monitor, pool: machine.pool,
            footprint: footprint, reserveMinimum: reserveMinimum, fluidTotal: fluid, duplicateTotal: duplicate,
            staticTotal: staticTotal, savings: savings, savingsPercent: RoundedPercent(part: savings, of: duplicate),
            standbys: standbys.map(\.figure), actives: actives, cases: cases, unrecoverableJobs: unrecoverableJobs)
    }

    /// The fleet's totals: sums over the machines; the percent is the fleet's
    /// savings over the fleet's duplicate total.
    static func totals(_ machines: [MachinePlan]) -> FleetTotals {
        func sum(_ figure: (MachinePlan) -> Int) -> Int { machines.reduce(0) { $0 + figure($1) } }
        return FleetTotals(
            footprint: sum(\.footprint), reserveMinimum: sum(\.reserveMinimum), fluidTotal: sum(\.fluidTotal),
            duplicateTotal: sum(\.duplicateTotal), staticTotal: sum(\.staticTotal), savings: sum(\.savings),
            savingsPercent: RoundedPercent(part: sum(\.savings), of: sum(\.duplicateTotal)))
    }

    /// A job no memory brings back, named as the plan names it from machine `m`.
    static func unrecoverableJob(_ u: CaseRules.Unrecoverable, from m: Int, in state: FinalState) -> UnrecoverableJob {
        UnrecoverableJob(job: state.name(u.job, from: m), cause: u.reason) { state.name($0, from: m) }
    }

    /// The public record of a case, names relative to the case's machine.
    static func faultCase(_ outcome: CaseRules.Outcome, in state: FinalState) -> FaultCase {
        let m = outcome.fault.machine
        let machine = state.machines[m].name
        let (target, severity) = state.target(of: outcome.fault)
        let names = { (jobs: [JobAddress]) in jobs.map { state.name($0, from: m) } }
        let shortages = shortages(
            outcome.pools, receivers: outcome.receivers, requiredPool: { max(0, $0.missing - $0.released) }, in: state,
            names: names)
        let unrecoverable = outcome.unrecoverable.map { unrecoverableJob($0, from: m, in: state) }
        return FaultCase(
            id: state.caseID(of: outcome.fault), machine: machine, kind: outcome.fault.kind, target: target,
            severity: severity, action: outcome.action,
            covered: outcome.covered, shortfall: outcome.shortfall, poolDraw: outcome.poolDraw,
            lostJobs: names(outcome.lostJobs), takenOver: names(outcome.takenOver),
            unprotectedJobs: names(outcome.unprotected),
            unprotectedMemory: outcome.unprotectedMemory,
            shortages: shortages, unrecoverable: unrecoverable)
    }

    /// The public records of the pools that could not make up what their
    /// standbys lacked (of a case, or of a set of faults), with what would
    /// cover each; `requiredPool` is what a pool must hold after start-up.
    static func shortages(
        _ pools: [CaseRules.Pool], receivers: [CaseRules.Receiver], requiredPool: (CaseRules.Pool) -> Int,
        in state: FinalState, names: ([JobAddress]) -> [String]
    ) -> [Shortage] {
        pools.filter { $0.shortfall > 0 }.map { pool in
            let m = state.machines[pool.machine]
            let short = receivers.filter { $0.standby.machine == pool.machine && $0.missing > 0 }
            return shortage(
                on: (m.name, m.memory, m.reserve, m.granule, m.pool),
                pool: (pool.held, pool.released, pool.draw, pool.shortfall), poolPolicy: state.policies.pool,
                requiredPool: requiredPool(pool),
                standbys: short.map { r in
                    let os = state.os(r.standby)
                    return (
                        os.name, os.footprint, r.need, r.free, r.handed, r.drawn, r.missing,
                        names(r.copies.filter { !r.started.contains($0) })
                    )
                })
        }
    }

    /// The record of a pool that could not make up what its standbys lacked,
    /// and what would cover it (``CaseRules/covering(memory:pool:reserve:granule:poolPolicy:requiredPool:standbys:)``):
    /// the one builder of a ``Shortage``, for the rules' cases and sets and for
    /// the engine's cases. `machine` is the pool's machine (`pool`: after start-up),
    /// `pool` what its pool held, released, gave and lacked, `standbys` those
    /// of its standbys that lacked memory, in document order, each with its
    /// name, footprint, figures and the copies that could not start.
    static func shortage(
        on machine: (name: String, memory: Int, reserve: Int, granule: Int, pool: Int),
        pool: (held: Int, released: Int, draw: Int, shortfall: Int), poolPolicy: Bool, requiredPool: Int,
        standbys: [(
            name: String, footprint: Int, need: Int, free: Int, handed: Int, drawn: Int, missing: Int, shortJobs: [String]
        )]
    ) -> Shortage {
        let covering = CaseRules.covering(
            memory: machine.memory, pool: machine.pool, reserve: machine.reserve, granule: machine.granule,
            poolPolicy: poolPolicy, requiredPool: requiredPool, standbys: standbys.map { ($0.footprint, $0.missing) })
        return Shortage(
            machine: machine.name, held: pool.held, released: pool.released, draw: pool.draw,
            shortfall: pool.shortfall, requiredPool: poolPolicy ? requiredPool : nil,
            standbys: zip(standbys, covering.allocations).map { s, allocation in
                StandbyShortage(
                    standby: s.name, need: s.need, free: s.free, handed: s.handed, drawn: s.drawn, missing: s.missing,
                    shortJobs: s.shortJobs, coveringAllocation: allocation)
            }, coveringMemory: covering.memory, memory: machine.memory)
    }
}
