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
        let extra = standbyExtra(outcomes.flatMap { $0 })
        let reserve = reserveMinimums(outcomes.flatMap { $0 }, extra: extra, in: state)
        let unrecoverable = Set(outcomes.flatMap { $0.flatMap { $0.unrecoverable.map(\.job) } })
        let machines = state.machines.indices.map { m in
            machinePlan(
                m, in: state, extra: extra, reserve: reserve[m],
                cases: outcomes[m].map { faultCase($0, in: state) },
                unrecoverable: state.jobs(of: m).filter(unrecoverable.contains).map { state.name($0, from: m) })
        }
        return Plan(faults: kinds, machines: machines, totals: totals(machines))
    }

    /// Per standby: the most it must supply beyond what is handed to it in
    /// any `os` or `job` case: max(0, need − handed). min(S) is kernel +
    /// resident + this.
    static func standbyExtra(_ outcomes: [CaseRules.Outcome]) -> [OSAddress: Int] {
        var extra: [OSAddress: Int] = [:]
        for outcome in outcomes where outcome.fault.kind == .os || outcome.fault.kind == .job {
            for r in outcome.receivers {
                extra[r.standby] = max(extra[r.standby] ?? 0, max(0, r.need - r.handed))
            }
        }
        return extra
    }

    /// Per machine: the largest, over every case, of what its pool must hold
    /// after start-up beyond what the fault releases there, with every
    /// receiving standby's free memory at min(S) − kernel − resident (that is,
    /// its extra). 0 with `pool: false`.
    static func reserveMinimums(
        _ outcomes: [CaseRules.Outcome], extra: [OSAddress: Int], in state: FinalState
    ) -> [Int] {
        var reserve = Array(repeating: 0, count: state.machines.count)
        guard state.policies.pool else { return reserve }
        for outcome in outcomes {
            for (machine, bytes) in CaseRules.requiredPools(outcome, free: extra) {
                reserve[machine] = max(reserve[machine], bytes)
            }
        }
        return reserve
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
        let footprint = actives.reduce(0) { $0 + state.os($1).footprint }

        var minimums = 0
        var duplicates = 0
        var statics = 0
        var standbyFigures: [StandbyFigure] = []
        for s in standbys {
            let os = state.os(s)
            let base = os.kernel + os.resident
            let minimum = base + (extra[s] ?? 0)
            // The actives it protects, in document order, each with the copies it sends here.
            var protects: [OSAddress] = []
            for j in state.incoming(s) where state.os(j.osAddress).role == .active {
                if !protects.contains(j.osAddress) { protects.append(j.osAddress) }
            }
            let largestFootprint = protects.map { state.os($0).footprint }.max() ?? 0
            let largestCopies =
                protects.map { a in
                    state.jobs(of: a).filter { state.job($0).standby == s }.reduce(0) { $0 + state.job($1).standbyMemory }
                }.max() ?? 0
            minimums += minimum
            duplicates += max(base, largestFootprint)
            statics += base + largestCopies
            standbyFigures.append(
                StandbyFigure(
                    name: os.name, kernel: os.kernel, resident: os.resident, allocated: os.footprint,
                    minimum: minimum, protects: protects.map { state.name($0, from: m) }))
        }
        let fluid = machine.monitor + footprint + minimums + reserve
        let duplicate = machine.monitor + footprint + duplicates
        let staticTotal = machine.monitor + footprint + statics
        let savings = duplicate - fluid
        return MachinePlan(
            name: machine.name, memory: machine.memory, monitor: machine.monitor, pool: machine.pool,
            footprint: footprint, reserveMinimum: reserve, fluidTotal: fluid, duplicateTotal: duplicate,
            staticTotal: staticTotal, savings: savings, savingsPercent: RoundedPercent(part: savings, of: duplicate),
            standbys: standbyFigures, actives: activeFigures, cases: cases, unrecoverableJobs: unrecoverable)
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

    /// The public record of a case, names relative to the case's machine.
    static func faultCase(_ outcome: CaseRules.Outcome, in state: FinalState) -> FaultCase {
        let m = outcome.fault.machine
        let machine = state.machines[m].name
        let (target, severity) = state.target(of: outcome.fault)
        let names = { (jobs: [JobAddress]) in jobs.map { state.name($0, from: m) } }
        let shortages = outcome.pools.filter { $0.shortfall > 0 }.map { pool in
            Shortage(
                machine: state.machines[pool.machine].name, held: pool.held, released: pool.released,
                draw: pool.draw, shortfall: pool.shortfall,
                requiredPool: state.policies.pool ? max(0, pool.missing - pool.released) : nil,
                standbys: outcome.receivers.filter { $0.standby.machine == pool.machine && $0.missing > 0 }.map { r in
                    StandbyShortage(
                        standby: state.os(r.standby).name, need: r.need, free: r.free, handed: r.handed,
                        drawn: r.drawn, missing: r.missing, shortJobs: names(r.copies.filter { !r.started.contains($0) }),
                        coveringAllocation: state.os(r.standby).footprint + r.missing)
                })
        }
        let unrecoverable = outcome.unrecoverable.map { u in
            let reason: UnrecoverableJob.Reason
            switch u.reason {
            case .standbyDown(let s): reason = .standbyDown(standby: state.name(s, from: m))
            case .stoppedByPolicy: reason = .stoppedByPolicy
            case .noStandby: reason = .noStandby
            }
            return UnrecoverableJob(job: state.name(u.job, from: m), reason: reason)
        }
        return FaultCase(
            id: state.caseID(of: outcome.fault), machine: machine, kind: outcome.fault.kind, target: target,
            severity: severity, action: outcome.action,
            covered: outcome.covered, shortfall: outcome.shortfall, poolDraw: outcome.poolDraw,
            lostJobs: names(outcome.lostJobs), takenOver: names(outcome.takenOver),
            unprotectedJobs: names(outcome.unprotected),
            unprotectedMemory: outcome.unprotectedMemory,
            shortages: shortages, unrecoverable: unrecoverable)
    }
}
