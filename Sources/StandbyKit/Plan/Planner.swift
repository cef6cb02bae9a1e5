/// Stage: compiled start-up tables → plan (MODEL.md, "Planning: every single
/// fault").
///
/// Every case is one fault simulated alone on the final table of start-up. The
/// planner indexes the compiled spec once (per OS its regions, per standby the
/// jobs that fail over to it), so a case costs only the regions it moves and
/// the whole plan costs time in proportion to the spec's size. The rules it
/// follows, and every reading of MODEL.md it had to make, are in
/// `docs/planning.md`.
public enum Planner {
    /// Simulates every case of `faults` (the spec's `policies.faults` when `nil`)
    /// and computes each machine's figures.
    public static func plan(_ compiled: CompiledSpec, faults: [FaultKind]? = nil) -> Plan {
        let figures = Self.figures(compiled, faults: faults)
        var machines: [MachinePlan] = []
        machines.reserveCapacity(compiled.machines.count)
        forEachMachine(figures) { machines.append($0) }
        return Plan(faults: figures.faults, machines: machines, totals: figures.totals)
    }

    /// The figures that need every case of every machine — the standby and
    /// reserve minimums, the fleet's totals, how many cases there are and how
    /// many are not covered — without keeping any case.
    ///
    /// With ``forEachMachine(_:_:)`` this plans a fleet one machine at a time:
    /// the memory it takes is that of the spec and of one machine's cases.
    public static func figures(_ compiled: CompiledSpec, faults: [FaultKind]? = nil) -> PlanFigures {
        let kinds = Array(Set(faults ?? compiled.spec.policies.faults)).sorted()
        let index = PlanIndex(compiled)
        let machineCount = compiled.machines.count

        // min(S) needs the largest demand of any `os` or `job` case first: the
        // reserve minimum counts every case against standbys at their minimum.
        var extra: [OSID: Int] = [:]
        var caseCount = 0
        var uncovered = 0
        for m in 0..<machineCount {
            for spec in index.cases(of: kinds, machine: m) {
                caseCount += 1
                if index.isRestart(spec) { continue }
                let e = index.simulate(spec)
                if !index.isCovered(e) { uncovered += 1 }
                guard spec.kind == .os || spec.kind == .job else { continue }
                for (id, r) in e.receivers {
                    extra[id] = max(extra[id] ?? 0, lacking(r.need, minus: r.handed))
                }
            }
        }

        var reserve = Array(repeating: 0, count: machineCount)
        if compiled.spec.policies.pool {
            for m in 0..<machineCount {
                for spec in index.cases(of: kinds, machine: m) where !index.isRestart(spec) {
                    let e = index.simulate(spec)
                    for (pm, bytes) in index.requiredPools(e, freeMin: { extra[$0] ?? 0 }) {
                        reserve[pm] = max(reserve[pm], bytes)
                    }
                }
            }
        }

        var figures: [MachinePlan] = []
        figures.reserveCapacity(machineCount)
        for m in 0..<machineCount {
            figures.append(index.machinePlan(m, extra: extra, reserve: reserve[m], cases: [], unrecoverable: []))
        }
        return PlanFigures(
            faults: kinds, caseCount: caseCount, uncoveredCaseCount: uncovered, machineCount: machineCount,
            totals: FleetTotals(summing: figures), index: index, extra: extra, reserve: reserve)
    }

    /// Plans each machine in document order and hands its ``MachinePlan``, cases
    /// included, to `body`; one machine's cases are made only when its turn comes.
    public static func forEachMachine<E: Error>(
        _ figures: PlanFigures, _ body: (MachinePlan) throws(E) -> Void
    ) throws(E) {
        let index = figures.index
        for m in 0..<figures.machineCount {
            var cases: [FaultCase] = []
            var unrecoverable: [JobID] = []
            for spec in index.cases(of: figures.faults, machine: m) {
                let e = index.simulate(spec)
                cases.append(index.faultCase(e, index.evaluate(e)))
                unrecoverable += e.unrecoverable.map(\.job)
            }
            try body(
                index.machinePlan(
                    m, extra: figures.extra, reserve: figures.reserve[m], cases: cases,
                    unrecoverable: Array(Set(unrecoverable)).sorted()))
        }
    }
}

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
    public let totals: FleetTotals

    /// Whether every simulated case of every machine is covered.
    public var covered: Bool { uncoveredCaseCount == 0 }

    let index: PlanIndex
    /// Per standby: the most it must supply beyond what is handed to it in any
    /// simulated `os` or `job` case.
    let extra: [OSID: Int]
    /// Per machine: its reserve minimum.
    let reserve: [Int]
}

extension FleetTotals {
    /// The sums over `machines`, saturating at `Int.max`.
    init(summing machines: [MachinePlan]) {
        func sum(_ figure: (MachinePlan) -> Int) -> Int { machines.reduce(0) { satAdd($0, figure($1)) } }
        let duplicate = sum(\.duplicateTotal)
        let savings = sum(\.savings)
        self.init(
            footprint: sum(\.footprint), reserveMinimum: sum(\.reserveMinimum), fluidTotal: sum(\.fluidTotal),
            duplicateTotal: duplicate, staticTotal: sum(\.staticTotal), savings: savings,
            savingsPercent: RoundedPercent(part: savings, of: duplicate))
    }
}

extension PlanIndex {
    /// The public record of one case.
    func faultCase(_ e: CaseEffects, _ ev: Evaluation) -> FaultCase {
        let s = e.spec
        let m = s.machine
        let machineName = machine(m).name
        let target: String
        switch s.kind {
        case .machine: target = machineName
        case .job: target = s.job.map { entry($0).job.name } ?? ""
        default: target = s.os.map { os($0).name } ?? ""
        }
        var started: [JobID] = []
        var short: [JobID] = []
        var shortages: [Shortage] = []
        for outcome in ev.machines {
            for standby in outcome.standbys {
                started += standby.started
                short += standby.short
            }
            guard outcome.shortfall > 0 else { continue }
            shortages.append(
                Shortage(
                    machine: machine(outcome.machine).name, held: outcome.held, released: outcome.released,
                    draw: outcome.draw, shortfall: outcome.shortfall,
                    requiredPool: policies.pool ? lacking(outcome.missing, minus: outcome.released) : nil,
                    standbys: outcome.standbys.filter { $0.missing > 0 }.map { standby in
                        StandbyShortage(
                            standby: os(standby.id).name, need: standby.receiver.need, free: standby.free,
                            handed: standby.receiver.handed, drawn: standby.drawn, missing: standby.missing,
                            shortJobs: standby.short.map { name($0, from: m) },
                            coveringAllocation: satAdd(footprint(standby.id), standby.missing))
                    }))
        }
        let unprotected = e.unprotected
        let covered = e.alwaysCovered || (ev.shortfall == 0 && e.unrecoverable.isEmpty)
        return FaultCase(
            id: FaultCase.id(machine: machineName, kind: s.kind, target: target, severity: s.severity),
            machine: machineName, kind: s.kind, target: target, severity: s.severity,
            action: s.job.flatMap { j in s.severity.map { entry(j).job.policy[$0] } },
            covered: covered, shortfall: ev.shortfall, poolDraw: ev.poolDraw,
            lostJobs: (e.lost + short).sorted().map { name($0, from: m) },
            takenOver: started.sorted().map { name($0, from: m) },
            unprotectedJobs: unprotected.map { name($0, from: m) },
            unprotectedMemory: unprotected.reduce(0) { satAdd($0, entry($1).job.memory) },
            shortages: shortages,
            unrecoverable: e.unrecoverable.map { u in
                let reason: UnrecoverableJob.Reason
                switch u.reason {
                case .standbyDown(let s): reason = .standbyDown(standby: name(s, from: m))
                case .stoppedByPolicy: reason = .stoppedByPolicy
                case .noStandby: reason = .noStandby
                }
                return UnrecoverableJob(job: name(u.job, from: m), reason: reason)
            })
    }

    /// The figures of machine `m`: footprints, standby minimums and the totals.
    func machinePlan(
        _ m: Int, extra: [OSID: Int], reserve: Int, cases: [FaultCase], unrecoverable: [JobID]
    ) -> MachinePlan {
        let cm = machine(m)
        var footprint = 0
        var actives: [ActiveFigure] = []
        var standbys: [StandbyFigure] = []
        var standbyMinimums = 0
        var duplicates = 0
        var statics = 0
        for (o, os) in cm.machine.oses.enumerated() {
            let id = OSID(machine: m, os: o)
            switch os.role {
            case .active:
                let fp = self.footprint(id)
                footprint = satAdd(footprint, fp)
                var protectedBy: [OSID] = []
                var seen: Set<OSID> = []
                for entry in jobs[m][o] {
                    if let t = entry.target, seen.insert(t).inserted { protectedBy.append(t) }
                }
                actives.append(
                    ActiveFigure(name: os.name, footprint: fp, protectedBy: protectedBy.map { name($0, from: m) }))
            case .standby:
                let resident = self.resident(id)
                let base = satAdd(os.kernel, resident)
                let minimum = satAdd(base, extra[id] ?? 0)
                // The actives it protects, each with the Σ standby_memory it sends here;
                // `incoming` is in document order, so one active's jobs are adjacent.
                var protected: [(id: OSID, copies: Int)] = []
                for j in incoming[id] ?? [] where self.os(j.osID).role == .active {
                    let copy = entry(j).job.standbyMemory
                    if protected.last?.id == j.osID {
                        protected[protected.count - 1].copies = satAdd(protected[protected.count - 1].copies, copy)
                    } else {
                        protected.append((j.osID, copy))
                    }
                }
                let largestFootprint = protected.map { self.footprint($0.id) }.max() ?? 0
                let largestCopies = protected.map(\.copies).max() ?? 0
                standbyMinimums = satAdd(standbyMinimums, minimum)
                duplicates = satAdd(duplicates, max(base, largestFootprint))
                statics = satAdd(statics, satAdd(base, largestCopies))
                standbys.append(
                    StandbyFigure(
                        name: os.name, kernel: os.kernel, resident: resident, allocated: self.footprint(id),
                        minimum: minimum, protects: protected.map { name($0.id, from: m) }))
            }
        }
        let base = satAdd(cm.machine.monitor, footprint)
        let fluid = satAdd(satAdd(base, standbyMinimums), reserve)
        let duplicate = satAdd(base, duplicates)
        let staticTotal = satAdd(base, statics)
        // Both totals are at most Int.max and at least 0, so the difference fits.
        let savings = duplicate - fluid
        return MachinePlan(
            name: cm.name, memory: cm.machine.memory, monitor: cm.machine.monitor, pool: cm.pool,
            footprint: footprint, reserveMinimum: reserve, fluidTotal: fluid, duplicateTotal: duplicate,
            staticTotal: staticTotal, savings: savings, savingsPercent: RoundedPercent(part: savings, of: duplicate),
            standbys: standbys, actives: actives, cases: cases,
            unrecoverableJobs: unrecoverable.map { name($0, from: m) })
    }
}
