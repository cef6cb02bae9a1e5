import PropertyBased
import Synchronization
import Testing

@testable import StandbyKit

/// The engine (`Plan/Engine/`: flat index, reused buffers, threads, streaming)
/// against the rules (`Plan/Rules/`: plain values): on random specs, every
/// field of every case and every figure must be equal, for the spec's own
/// fault list and for every fault kind.
@Suite struct EngineMatchesRulesTests {
    /// What the random specs exercised, counted over a run so that the test
    /// fails if the generator stops producing some feature.
    typealias Seen = ExercisedFeatures

    /// Compares the engine's plan with the rules' one: every case, every
    /// machine's figures, the fleet's totals (together all of ``Plan``), each
    /// on its own so that a failure names what differs.
    static func expectEqual(_ engine: Plan, _ rules: Plan, _ what: String) {
        #expect(engine.faults == rules.faults, "\(what)")
        #expect(engine.machines.count == rules.machines.count, "\(what)")
        for (e, r) in zip(engine.machines, rules.machines) {
            #expect(e.cases.map(\.id) == r.cases.map(\.id), "\(what) \(e.name)")
            for (ec, rc) in zip(e.cases, r.cases) where ec != rc {
                #expect(ec == rc, "\(what): case \(rc.id)")
            }
            var ef = e
            var rf = r
            ef.cases = []
            rf.cases = []
            #expect(ef == rf, "\(what): figures of \(e.name)")
        }
        #expect(engine.totals == rules.totals, "\(what): fleet totals")
    }

    /// The streaming path (figures first, then one machine at a time) gives
    /// the rules' figures too.
    static func expectStreamingEqual(_ compiled: CompiledSpec, _ rules: Plan, faults: [FaultKind]) {
        let figures = Planner.figures(compiled, faults: faults)
        #expect(figures.totals == rules.totals)
        #expect(figures.caseCount == rules.cases.count)
        #expect(figures.uncoveredCaseCount == rules.cases.filter { !$0.covered }.count)
        var machines: [MachinePlan] = []
        Planner.forEachMachine(figures) { machines.append($0) }
        #expect(machines == rules.machines)
    }

    @Test func theEngineFollowsTheRulesOnRandomSpecs() async {
        let seen = Seen()
        await propertyCheck(count: 500, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            for faults in [spec.policies.faults, FaultKind.allCases] {
                let rules = FigureRules.plan(compiled, faults: faults)
                Self.expectEqual(Planner.plan(compiled, faults: faults), rules, "faults \(faults)")
                for c in rules.cases {
                    seen.note("kind \(c.kind)")
                    seen.note("action \(c.action.map { "\($0)" } ?? "-")")
                    seen.note("short", c.shortfall > 0)
                    seen.note("draw", c.poolDraw > 0)
                    seen.note("unrecoverable", !c.unrecoverable.isEmpty)
                    seen.note("unprotected", !c.unprotectedJobs.isEmpty)
                    // Only a standby on another machine survives a `machine` case.
                    seen.note("cross-machine copy", c.kind == .machine && !c.takenOver.isEmpty)
                    seen.note("copy refused", c.shortages.contains { $0.standbys.contains { !$0.shortJobs.isEmpty } })
                }
                seen.note("N:1 standby", rules.machines.contains { $0.standbys.contains { $0.protects.count > 1 } })
                seen.note("negative savings", rules.machines.contains { $0.savings < 0 })
            }
            Self.expectStreamingEqual(compiled, FigureRules.plan(compiled), faults: spec.policies.faults)
            seen.note("pool: false", !spec.policies.pool)
            seen.note("os_area: release", spec.policies.osArea == .release)
            seen.note("lost \(spec.policies.memoryLost)")
        }
        let expected: Set<String> = [
            "kind os", "kind job", "kind standby", "kind memory", "kind machine", "action restart", "action stop",
            "action failover", "short", "draw", "unrecoverable", "unprotected", "cross-machine copy",
            "copy refused", "N:1 standby", "pool: false", "os_area: release",
        ]
        #expect(expected.subtracting(seen.features).isEmpty, "never seen: \(expected.subtracting(seen.features))")
        #expect(seen.features.filter { $0.hasPrefix("lost ") }.count == RandomSpec.losses.count)
    }

    /// Inside a case: the engine's moves (which the trace replays), what it
    /// releases, and per receiving standby its need, free, handed, missing and
    /// drawn memory and the copies that start, as the rules say, for every
    /// fault kind.
    @Test func theEngineMovesWhatTheRulesMove() async {
        await propertyCheck(count: 500, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let index = PlanIndex(compiled)
            let state = FinalState(compiled)
            let simulator = CaseSimulator(index, recordsMoves: true)
            func os(_ o: Int) -> OSAddress {
                OSAddress(machine: Int(index.oses[o].machine), os: Int(index.oses[o].local))
            }
            func job(_ j: Int) -> JobAddress {
                let o = Int(index.jobs[j].os)
                let a = os(o)
                return JobAddress(machine: a.machine, os: a.os, job: j - Int(index.oses[o].jobs.lowerBound))
            }
            func region(_ r: RegionRef) -> CaseRules.Region {
                switch r {
                case .own(let o): .own(os(o))
                case .job(let j): .job(job(j))
                }
            }
            func move(_ m: Move) -> CaseRules.Move {
                switch m {
                case .cut(let r, let lost): .cut(region(r), lost: lost)
                case .hand(let r, let bytes, let to): .hand(region(r), bytes: bytes, to: os(to))
                case .release(let r, let bytes): .release(region(r), bytes: bytes)
                case .merge(let j): .merge(job(j))
                case .loseMachine(let m): .loseMachine(m)
                }
            }
            for m in index.machines.indices {
                var cases: [CaseSpec] = []
                index.forEachCase(of: FaultKind.allCases, machine: m) { cases.append($0) }
                let faults = state.faults(FaultKind.allCases, machine: m)
                #expect(cases.count == faults.count)
                for (c, fault) in zip(cases, faults) {
                    simulator.run(c)
                    simulator.placeCopies()
                    let outcome = CaseRules.outcome(of: fault, in: state)
                    #expect(simulator.moves.map(move) == outcome.moves, "\(fault)")
                    #expect(simulator.released == outcome.released, "\(fault)")
                    var receivers: [CaseRules.Receiver] = []
                    for r in 0..<simulator.receivers.count {
                        let e = simulator.receivers[r]
                        var copies: [JobAddress] = []
                        var started: [JobAddress] = []
                        simulator.forEachCopy(of: r) { copy in
                            copies.append(job(Int(copy.job)))
                            if copy.started { started.append(job(Int(copy.job))) }
                        }
                        receivers.append(
                            CaseRules.Receiver(
                                standby: os(Int(e.os)), copies: copies, need: e.need, handed: e.handed, free: e.free,
                                missing: e.missing, drawn: e.drawn, started: started))
                    }
                    #expect(receivers == outcome.receivers, "\(fault)")
                }
            }
        }
    }

    @Test func theEngineFollowsTheRulesOnTheExamples() {
        for spec in [
            PlannerFixtures.workedExample(), PlannerFixtures.workedExample(faults: FaultKind.allCases),
            PlannerFixtures.crossMachineExample(),
        ] {
            let compiled = PlannerFixtures.compiled(spec)
            Self.expectEqual(Planner.plan(compiled), FigureRules.plan(compiled), "example")
        }
    }

    /// The rules on docs/model.md's worked example, as `docs/planning.md` works it out by hand.
    @Test func theRulesGiveTheWorkedExample() {
        let plan = FigureRules.plan(PlannerFixtures.compiled(PlannerFixtures.workedExample()))
        let mib = 1 << 20
        let machine = plan.machines[0]
        #expect(machine.fluidTotal == 384 * mib)
        #expect(machine.duplicateTotal == 416 * mib)
        #expect(machine.staticTotal == 384 * mib)
        #expect(machine.reserveMinimum == 128 * mib)
        #expect(machine.standbys.map(\.minimum) == [32 * mib])
        let memory = plan.faultCase(id: "vms50/memory/active")
        #expect(memory?.covered == false)
        #expect(memory?.shortfall == 128 * mib)
        #expect(memory?.lostJobs == ["A", "B"])
        #expect(plan.faultCase(id: "vms50/os/active")?.takenOver == ["A"])
    }
}
