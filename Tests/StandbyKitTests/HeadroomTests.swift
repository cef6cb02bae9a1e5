import Foundation
import PropertyBased
import Synchronization
import Testing

@testable import StandbyKit

private let Mi = 1 << 20

/// `Headroom` against a brute-force reference that adds the jobs to the spec
/// itself, compiles it again and plans it again with the rules; the local
/// states it evaluates cases on against the whole spec; a property of memory
/// growth; and the worked example worked out by hand.
@Suite struct HeadroomTests {
    // MARK: - The reference

    /// One random trial: a spec, a job shape and how many jobs to try.
    struct Trial: Sendable, CustomStringConvertible {
        var spec: Spec
        var job: NewJob
        var max: Int
        var description: String { "job \(job) max \(max), spec \(spec.machines.map(\.name))" }
    }

    static func trial<R: RandomNumberGenerator>(using rng: inout R) -> Trial {
        var spec = RandomSpec.make(using: &rng)
        // Now and then an active OS without a standby of its own, where its
        // jobs allow it, so that hot shapes meet OSes with no standby.
        if Int.random(in: 0..<3, using: &rng) == 0 {
            var changed = spec
            let m = Int.random(in: 0..<spec.machines.count, using: &rng)
            for o in changed.machines[m].oses.indices where changed.machines[m].oses[o].role == .active {
                changed.machines[m].oses[o].standby = nil
                break
            }
            if Compiler.compile(changed).0 != nil { spec = changed }
        }
        // Sizes that are not a multiple of every granule, copies below, at and above.
        let sizes = [64 << 10, 1 * Mi, 2 * Mi, 3 * Mi, 4 * Mi, 5 * Mi + 7, 8 * Mi]
        let memory = sizes.randomElement(using: &rng) ?? Mi
        let hot = Bool.random(using: &rng)
        let copy: Int? =
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: nil
            case 1: max(1, memory - Int.random(in: 1...3, using: &rng) * Mi)
            default: memory + Int.random(in: 0...3, using: &rng) * Mi
            }
        return Trial(
            spec: spec, job: NewJob(memory: memory, hotStandby: hot, standbyMemory: copy),
            max: Int.random(in: 1...12, using: &rng))
    }

    static func trials() -> Generator<Trial, Shrink.None<Trial>> {
        Generator { rng in trial(using: &rng) }
    }

    /// The spec with `count` jobs of the shape appended to OS `o` of machine
    /// `m`, named `new1`, `new2`, …, sizes rounded to the machine's granule.
    static func adding(_ count: Int, _ job: NewJob, to m: Int, _ o: Int, in spec: Spec) -> Spec {
        var spec = spec
        let g = spec.machines[m].granule
        for i in 1...count {
            spec.machines[m].oses[o].jobs.append(
                Job(
                    name: "new\(i)", memory: Quantity.roundUp(job.memory, to: g) ?? job.memory,
                    hotStandby: job.hotStandby,
                    standbyMemory: Quantity.roundUp(job.standbyMemory, to: g) ?? job.standbyMemory,
                    policy: spec.policies.jobFault))
        }
        return spec
    }

    /// The answer for OS `o` of machine `m`, literally: add 1, 2, … jobs to
    /// the spec, compile it, plan it with the rules, and stop at the first
    /// count where a job does not start, a case covered today is not, or a
    /// new job's case is not. New jobs are named `new<n>` here, `+<n>` by
    /// `Headroom`.
    static func reference(_ spec: Spec, m: Int, o: Int, job: NewJob, max: Int) -> OSHeadroom {
        let machine = spec.machines[m]
        let os = machine.oses[o]
        let answer = { (fits: Int, limit: HeadroomLimit) in
            OSHeadroom(machine: machine.name, os: os.name, fits: fits, limit: limit)
        }
        if job.hotStandby && os.standby == nil { return answer(0, .noStandby) }
        let kinds = spec.policies.faults
        let today = FigureRules.plan(RandomSpec.compile(spec), faults: kinds)
        let coveredToday = Set(today.cases.filter(\.covered).map(\.id))
        for n in 1...max {
            let (compiled, diagnostics) = Compiler.compile(adding(n, job, to: m, o, in: spec))
            guard let compiled else {
                guard let cannot = diagnostics.all.first(where: { $0.code == .jobCannotStart }) else {
                    Issue.record("unexpected errors: \(diagnostics.all.map(\.message))")
                    return answer(n - 1, .tooLarge)
                }
                return answer(n - 1, .start(machine: machine.name, os: "", job: cannot.message, needed: 0, available: 0))
            }
            let plan = FigureRules.plan(compiled, faults: kinds)
            var newCases: Set<String> = []
            for i in 1...n {
                for s in Severity.allCases {
                    newCases.insert(FaultCase.id(machine: machine.name, kind: .job, target: "new\(i)", severity: s))
                }
            }
            if job.hotStandby {
                newCases.insert(FaultCase.id(machine: machine.name, kind: .os, target: os.name))
                newCases.insert(FaultCase.id(machine: machine.name, kind: .memory, target: os.name))
                newCases.insert(FaultCase.id(machine: machine.name, kind: .machine, target: machine.name))
            }
            if let c = plan.cases.first(where: { !$0.covered && (coveredToday.contains($0.id) || newCases.contains($0.id)) }) {
                return answer(
                    n - 1,
                    .uncovered(
                        id: c.id, newCase: newCases.contains(c.id), shortOn: c.shortages.first?.machine,
                        shortfall: c.shortfall, unrecoverable: c.unrecoverable.first?.job))
            }
        }
        return answer(max, .max)
    }

    /// `Headroom`'s answer with new jobs named as the reference names them,
    /// and a start limit as the compiler's message says it.
    static func comparable(_ a: OSHeadroom) -> OSHeadroom {
        var a = a
        let rename = { (s: String) in s.replacingOccurrences(of: "+", with: "new") }
        switch a.limit {
        case .start(let machine, let os, let job, let needed, let available):
            let message =
                "job '\(rename(job))' cannot start: '\(os)' needs \(Size.describe(needed)) more and the pool can give \(Size.describe(available))"
            a.limit = .start(machine: machine, os: "", job: message, needed: 0, available: 0)
        case .uncovered(let id, let newCase, let shortOn, let shortfall, let unrecoverable):
            a.limit = .uncovered(
                id: rename(id), newCase: newCase, shortOn: shortOn, shortfall: shortfall,
                unrecoverable: unrecoverable.map(rename))
        default: break
        }
        return a
    }

    /// What the random trials exercised, so that the test fails when the
    /// generator stops producing some kind of answer.
    final class Seen: Sendable {
        let counts = Mutex<[String: Int]>([:])
        func note(_ feature: String, _ happened: Bool = true) {
            guard happened else { return }
            counts.withLock { $0[feature, default: 0] += 1 }
        }
        var features: Set<String> { counts.withLock { Set($0.keys) } }
    }

    @Test func headroomEqualsAddingTheJobsToTheSpecAndPlanningAgain() async {
        let seen = Seen()
        await propertyCheck(count: 300, input: Self.trials()) { trial in
            let compiled = RandomSpec.compile(trial.spec)
            let report = Headroom.check(compiled, job: trial.job, max: trial.max)
            var expected: [OSHeadroom] = []
            for (m, machine) in trial.spec.machines.enumerated() {
                for (o, os) in machine.oses.enumerated() where os.role == .active {
                    expected.append(Self.reference(trial.spec, m: m, o: o, job: trial.job, max: trial.max))
                }
            }
            #expect(report.oses.map(Self.comparable) == expected, "\(trial)")
            #expect(report.totalFits == expected.reduce(0) { $0 + $1.fits })
            for (answer, os) in zip(report.oses, expected) {
                seen.note("reason \(answer.limit.reason)")
                seen.note("fits 0", answer.fits == 0)
                seen.note("fits > 0", answer.fits > 0)
                seen.note("hot", trial.job.hotStandby)
                switch answer.limit {
                case .start(_, let limitOS, let job, _, _):
                    seen.note(job.hasPrefix("+") ? "start: a new job" : "start: a later OS's job")
                    seen.note("start: a later OS's job", limitOS != os.os && !job.hasPrefix("+"))
                case .uncovered(let id, let newCase, let shortOn, _, let unrecoverable):
                    seen.note(newCase ? "case: a new job's" : "case: covered today")
                    seen.note("case: unrecoverable", unrecoverable != nil)
                    seen.note("case: short", shortOn != nil)
                    seen.note("case: short on another machine", shortOn.map { $0 != os.machine } ?? false)
                    seen.note("case: of another machine", !id.hasPrefix(os.machine + "/"))
                default: break
                }
            }
        }
        let wanted: Set<String> = [
            "reason start", "reason case", "reason max", "reason no-standby", "fits 0", "fits > 0", "hot",
            "start: a new job", "start: a later OS's job", "case: a new job's", "case: covered today",
            "case: unrecoverable", "case: short", "case: short on another machine", "case: of another machine",
        ]
        #expect(wanted.subtracting(seen.features).isEmpty, "never seen: \(wanted.subtracting(seen.features).sorted())")
    }

    // MARK: - Local states

    /// Every case but `standby` (always covered) comes out of the rules on a
    /// machine's local state as on the whole spec: coverage, shortfall, draw,
    /// the pools (machines mapped back), the receivers' figures and copies,
    /// the jobs no memory brings back.
    @Test func localStatesGiveTheWholeSpecsOutcomes() async {
        await propertyCheck(count: 200, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let index = HeadroomIndex(compiled, kinds: FaultKind.allCases)
            for local in index.locals {
                for fault in local.state.faults(FaultKind.allCases, machine: local.home) where fault.kind != .standby {
                    let here = CaseRules.outcome(of: fault, in: local.state)
                    let there = CaseRules.outcome(of: index.globalFault(fault, in: local), in: index.full)
                    #expect(here.covered == there.covered)
                    #expect(here.shortfall == there.shortfall)
                    #expect(here.poolDraw == there.poolDraw)
                    #expect(here.released == there.released)
                    let pools = here.pools.map { p in
                        var p = p
                        p.machine = local.global[p.machine]
                        return p
                    }
                    #expect(pools == there.pools)
                    #expect(here.receivers.map(\.need) == there.receivers.map(\.need))
                    #expect(here.receivers.map(\.missing) == there.receivers.map(\.missing))
                    #expect(here.receivers.map(\.started.count) == there.receivers.map(\.started.count))
                    #expect(here.unrecoverable.map(\.job.job) == there.unrecoverable.map(\.job.job))
                }
            }
        }
    }
}
