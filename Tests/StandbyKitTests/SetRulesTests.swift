import PropertyBased
import Testing

@testable import StandbyKit

/// `SetRules`: a set of simultaneous faults, stated on the case rules' pieces.
@Suite struct SetRulesTests {
    static let Gi = 1 << 30

    /// One fault as a set is the plan's case, field for field (a set does not
    /// list unprotected jobs), for every fault of every kind.
    @Test func aSetOfOneFaultIsItsCase() async {
        await propertyCheck(count: 300, input: RandomSpec.generator()) { spec in
            let state = FinalState(RandomSpec.compile(spec))
            for m in state.machines.indices {
                for fault in state.faults(FaultKind.allCases, machine: m) {
                    let set = SetRules.outcome(of: [fault], in: state)
                    let single = CaseRules.outcome(of: fault, in: state)
                    #expect(set.faults == [fault])
                    #expect(set.moves == single.moves, "\(fault)")
                    // A single fault releases only on its own machine.
                    #expect(set.released.allSatisfy { $0.machine == fault.machine && $0.bytes > 0 }, "\(fault)")
                    #expect(set.released(on: fault.machine) == single.released, "\(fault)")
                    #expect(set.stopped == single.stopped, "\(fault)")
                    #expect(set.unrecoverable == single.unrecoverable, "\(fault)")
                    #expect(set.receivers == single.receivers, "\(fault)")
                    #expect(set.pools == single.pools, "\(fault)")
                    #expect(set.shortfall == single.shortfall, "\(fault)")
                    #expect(set.poolDraw == single.poolDraw, "\(fault)")
                    #expect(set.lostJobs == single.lostJobs, "\(fault)")
                    #expect(set.takenOver == single.takenOver, "\(fault)")
                    if fault.kind != .standby { #expect(set.covered == single.covered, "\(fault)") }
                }
            }
        }
    }

    /// Faults in sets add up: on random specs, for every pair of `os` faults,
    /// each standby's need and handed memory are the sums of the two single
    /// cases', and each pool holds its memory once plus both releases.
    @Test func twoFaultsAddUp() async {
        await propertyCheck(count: 200, input: RandomSpec.generator()) { spec in
            let state = FinalState(RandomSpec.compile(spec))
            let faults = Tolerance.faults(.os, in: state)
            for (i, a) in faults.enumerated() {
                for b in faults[(i + 1)...] {
                    let pair = SetRules.outcome(of: [a, b], in: state)
                    let one = SetRules.outcome(of: [a], in: state)
                    let two = SetRules.outcome(of: [b], in: state)
                    for r in pair.receivers {
                        let parts = (one.receivers + two.receivers).filter { $0.standby == r.standby }
                        #expect(r.need == parts.reduce(0) { $0 + $1.need })
                        #expect(r.handed == parts.reduce(0) { $0 + $1.handed })
                        #expect(r.free == state.os(r.standby).free)
                    }
                    for p in pair.pools {
                        let released = one.released(on: p.machine) + two.released(on: p.machine)
                        #expect(p.held == state.machines[p.machine].pool + released)
                    }
                    #expect(pair.unrecoverable.count == one.unrecoverable.count + two.unrecoverable.count)
                }
            }
        }
    }

    /// Two actives hand their jobs to one standby whose copies need more than
    /// was handed; a third active releases an ordinary job. By hand (GiB):
    ///
    /// - start-up: memory 11 = monitor 1 + a 3 + b 3 + s 2 + c 2; every job fits
    ///   its OS (a, b: 3 − 1 kernel = 2 ≥ 2; c: 2 − 1 = 1 ≥ 1): pool 0.
    /// - `a` alone: s needs 3, is handed 2, has 2 − 1 = 1 free: missing 0.
    /// - {a, b}: need 6, handed 4, free 1 (once): missing 1; the pool holds 0
    ///   and nothing is released: 1 short. A pool of 1 (missing 1 − released 0)
    ///   or s at 2 + 1 = 3 would cover it.
    /// - {a, b, c}: the same, but c's ordinary job releases 1 into the pool:
    ///   draw 1, covered — a set can be covered when a subset is not.
    static var sharedStandby: Spec {
        let Gi = Self.Gi
        func active(_ name: String) -> OS {
            OS(
                name: name, role: .active, memory: 3 * Gi, kernel: Gi, standby: OSReference(os: "s"),
                jobs: [Job(name: "\(name)-j", memory: 2 * Gi, hotStandby: true, standbyMemory: 3 * Gi)])
        }
        return Spec(
            policies: Policies(faults: [.os]),
            machines: [
                Machine(
                    name: "m", memory: 11 * Gi, monitor: Gi,
                    oses: [
                        active("a"), active("b"),
                        OS(name: "s", role: .standby, memory: 2 * Gi, kernel: Gi),
                        OS(name: "c", role: .active, memory: 2 * Gi, kernel: Gi, jobs: [Job(name: "o", memory: Gi)]),
                    ])
            ])
    }

    @Test func aSharedStandbyByHand() throws {
        let Gi = Self.Gi
        let state = FinalState(RandomSpec.compile(Self.sharedStandby))
        #expect(state.machines[0].pool == 0)
        let a = Fault.os(OSAddress(machine: 0, os: 0))
        let b = Fault.os(OSAddress(machine: 0, os: 1))
        let c = Fault.os(OSAddress(machine: 0, os: 3))
        #expect(SetRules.outcome(of: [a], in: state).covered)
        #expect(SetRules.outcome(of: [b], in: state).covered)
        let ab = SetRules.outcome(of: [a, b], in: state)
        let s = try #require(ab.receivers.first)
        #expect(ab.receivers.count == 1)
        #expect((s.need, s.handed, s.free, s.missing) == (6 * Gi, 4 * Gi, Gi, Gi))
        #expect(ab.pools.map(\.shortfall) == [Gi])
        #expect(!ab.covered)
        #expect(SetRules.requiredPools(ab, in: state).map(\.bytes) == [Gi])
        let abc = SetRules.outcome(of: [a, b, c], in: state)
        #expect(abc.released(on: 0) == Gi)
        #expect(abc.pools.map(\.draw) == [Gi])
        #expect(abc.covered)
    }

    /// Two machines whose copies start on each other: together they lose
    /// them, whatever the memory (cross-machine.yaml's rack1 sends `api` to
    /// rack2's `dr`).
    @Test func machinesThatHoldEachOthersStandbysLoseTheCopies() {
        let state = FinalState(RandomSpec.compile(PlannerFixtures.crossMachineExample()))
        let both = SetRules.outcome(of: [.machine(0), .machine(1)], in: state)
        #expect(!both.covered)
        #expect(both.receivers.isEmpty)
        let lost = both.unrecoverable.map { state.job($0.job).name }
        // rack1: api (its standby dr is on rack2, down too), session, ledger-db; rack2: web-front.
        #expect(Set(lost) == ["api", "session", "ledger-db", "web-front"])
    }
}
