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
        /// A machine to grow, and by how many of its granules (the growth property).
        var grow: (machine: Int, granules: Int)
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
            max: Int.random(in: 1...12, using: &rng),
            grow: (Int.random(in: 0..<spec.machines.count, using: &rng), Int.random(in: 1...8, using: &rng)))
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
    /// new job's case is not. Of the jobs no memory brings back in that case,
    /// a new one is named first. The cases not covered today that the jobs
    /// that fit leave shorter are read off the plan with those jobs, all of
    /// them (`worseCount`), the most worsened first (then in plan order). New
    /// jobs are named `new<n>` here, `+<n>` by `Headroom`.
    static func reference(_ spec: Spec, m: Int, o: Int, job: NewJob, max: Int) -> OSHeadroom {
        let machine = spec.machines[m]
        let os = machine.oses[o]
        if job.hotStandby && os.standby == nil {
            return OSHeadroom(machine: machine.name, os: os.name, fits: 0, limit: .noStandby)
        }
        let kinds = spec.policies.faults
        let today = FigureRules.plan(RandomSpec.compile(spec), faults: kinds)
        let coveredToday = Set(today.cases.filter(\.covered).map(\.id))
        let existedToday = Set(today.cases.map(\.id))
        var lastFit = today
        let answer = { (fits: Int, limit: HeadroomLimit) in
            var a = OSHeadroom(machine: machine.name, os: os.name, fits: fits, limit: limit)
            // Today's cases not covered, shorter with the jobs that fit.
            var worse: [(WorseCase, Int)] = []
            for (i, c) in today.cases.enumerated() where !c.covered {
                guard let after = lastFit.cases.first(where: { $0.id == c.id }), after.shortfall > c.shortfall else { continue }
                worse.append((WorseCase(id: c.id, shortfallToday: c.shortfall, shortfall: after.shortfall), i))
            }
            worse.sort { a, b in
                let (ma, mb) = (a.0.shortfall - a.0.shortfallToday, b.0.shortfall - b.0.shortfallToday)
                return ma != mb ? ma > mb : a.1 < b.1
            }
            a.worse = worse.prefix(Headroom.worseListed).map(\.0)
            a.worseCount = worse.count
            return a
        }
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
                let newJobs = Set((1...n).map { "new\($0)" })
                return answer(
                    n - 1,
                    .uncovered(
                        id: c.id, newCase: newCases.contains(c.id),
                        coveredToday: existedToday.contains(c.id) ? coveredToday.contains(c.id) : nil,
                        shortOn: c.shortages.first?.machine,
                        shortfall: c.shortfall,
                        unrecoverable: c.unrecoverable.first { newJobs.contains($0.job) } ?? c.unrecoverable.first))
            }
            lastFit = plan
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
        case .uncovered(let id, let newCase, let coveredToday, let shortOn, let shortfall, let unrecoverable):
            a.limit = .uncovered(
                id: rename(id), newCase: newCase, coveredToday: coveredToday, shortOn: shortOn, shortfall: shortfall,
                unrecoverable: unrecoverable.map { UnrecoverableJob(job: rename($0.job), reason: $0.reason) })
        default: break
        }
        a.worse = a.worse.map { WorseCase(id: rename($0.id), shortfallToday: $0.shortfallToday, shortfall: $0.shortfall) }
        return a
    }

    /// What the random trials exercised, so that the test fails when the
    /// generator stops producing some kind of answer.
    typealias Seen = ExercisedFeatures

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
                case .uncovered(let id, let newCase, let coveredToday, let shortOn, _, let unrecoverable):
                    seen.note("case: a new job's copy lost with its machine", answer.limit.copyLostWithMachine)
                    seen.note("case: a new job no memory brings back", unrecoverable.map { Headroom.isNewJob($0.job) } ?? false)
                    seen.note("case: a new job's, not covered today", newCase && coveredToday == false)
                    seen.note(newCase ? "case: a new job's" : "case: covered today")
                    seen.note("case: unrecoverable", unrecoverable != nil)
                    seen.note("case: short", shortOn != nil)
                    seen.note("case: short on another machine", shortOn.map { $0 != os.machine } ?? false)
                    seen.note("case: of another machine", !id.hasPrefix(os.machine + "/"))
                    // The cases `HeadroomSearch` updates rather than simulates.
                    seen.note("case: X's machine case", id == os.machine + "/machine")
                    seen.note("case: X's memory case", id == os.machine + "/memory/" + os.os)
                default: break
                }
                seen.note("worse: X's own case", answer.worse.contains { $0.id.hasSuffix("/" + os.os) })
                seen.note("worse: another case", answer.worse.contains { !$0.id.hasSuffix("/" + os.os) })
                seen.note("worse: short today already", answer.worse.contains { $0.shortfallToday > 0 })
            }
        }
        let wanted: Set<String> = [
            "reason start", "reason case", "reason max", "reason no-standby", "fits 0", "fits > 0", "hot",
            "start: a new job", "start: a later OS's job", "case: a new job's", "case: covered today", "case: a new job's, not covered today",
            "case: unrecoverable", "case: short", "case: short on another machine", "case: of another machine",
            "case: X's machine case", "case: X's memory case", "case: a new job's copy lost with its machine",
            "case: a new job no memory brings back", "worse: X's own case", "worse: another case",
            "worse: short today already",
        ]
        #expect(wanted.subtracting(seen.features).isEmpty, "never seen: \(wanted.subtracting(seen.features).sorted())")
    }

    // MARK: - Memory growth

    /// Growing a machine's memory (its pool) never lowers an OS's `fits`, but
    /// for one reason: it can newly cover a case today, which the jobs must
    /// then keep covered. Every condition at a given count is monotone in the
    /// pool (start-up finds more; a pool's draw is min(held, missing)); only
    /// the set of cases covered today grows. So when `fits` drops, the limit
    /// is one of the cases the growth newly covered (docs/headroom.md).
    @Test func growingAMachinesMemoryLowersFitsOnlyThroughNewlyCoveredCases() async {
        let seen = Seen()
        await propertyCheck(count: 200, input: Self.trials()) { trial in
            var grown = trial.spec
            let m = trial.grow.machine
            grown.machines[m].memory += grown.machines[m].granule * trial.grow.granules
            let small = RandomSpec.compile(trial.spec)
            let big = RandomSpec.compile(grown)
            let before = Headroom.check(small, job: trial.job, max: trial.max)
            let after = Headroom.check(big, job: trial.job, max: trial.max)
            let coveredBefore = Set(FigureRules.plan(small).cases.filter(\.covered).map(\.id))
            let newlyCovered = Set(FigureRules.plan(big).cases.filter(\.covered).map(\.id)).subtracting(coveredBefore)
            seen.note("newly covered today", !newlyCovered.isEmpty)
            for (b, a) in zip(before.oses, after.oses) {
                seen.note("fits grew", a.fits > b.fits)
                guard a.fits < b.fits else { continue }
                seen.note("fits dropped")
                guard case .uncovered(let id, false, _, _, _, _) = a.limit else {
                    Issue.record("\(b.machine)/\(b.os): fits \(b.fits) → \(a.fits), limit \(a.limit)")
                    continue
                }
                #expect(newlyCovered.contains(id), "\(b.machine)/\(b.os): fits \(b.fits) → \(a.fits) at \(id)")
            }
        }
        #expect(seen.features.isSuperset(of: ["newly covered today", "fits grew"]), "\(seen.features)")
    }

    // MARK: - The worked example, by hand

    /// examples/patent-fig4.yaml with its machine's memory replaced, compiled.
    static func workedExample(memory: String = "256Mi") throws -> CompiledSpec {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/patent-fig4.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(of: "memory: 256Mi", with: "memory: \(memory)")
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "fig4.yaml", bytes: Array(text.utf8)))
        #expect(!diagnostics.hasErrors)
        return try #require(compiled)
    }

    static func only(_ report: HeadroomReport) throws -> OSHeadroom {
        #expect(report.oses.count == 1)
        return try #require(report.oses.first)
    }

    /// As written (256 MiB): after A and B start, `active` has no free memory
    /// (own 32 MiB − kernel 32 MiB) and the pool is 0 (B took its last
    /// 32 MiB). A 16 MiB job needs 16 MiB from the pool, which can give 0:
    /// the first one cannot start, hot or not.
    @Test func theWorkedExampleHasNoRoom() throws {
        let compiled = try Self.workedExample()
        for hot in [false, true] {
            let answer = try Self.only(Headroom.check(compiled, job: NewJob(memory: 16 * Mi, hotStandby: hot), max: 1000))
            #expect(answer.fits == 0)
            #expect(answer.limit == .start(machine: "vms50", os: "active", job: "+1", needed: 16 * Mi, available: 0))
        }
    }

    /// With 320 MiB the pool holds 96 MiB at boot and 64 MiB after B's
    /// 32 MiB expansion; `active` still has no free memory, so each 16 MiB
    /// job takes 16 MiB from the pool: four start (pool 48, 32, 16, 0), the
    /// fifth cannot (needs 16 MiB, the pool gives 0). Start-up bound:
    /// ⌊(0 + 64 − 0) / 16⌋ + 1 = 5 tries.
    ///
    /// - Ordinary, faults [os, job, standby]: `os/active` hands A's 128 MiB to
    ///   `standby`, whose copy needs 128 MiB: covered with any count; the new
    ///   jobs' `job` cases restart or act as restart. Fits 4, limit start.
    /// - Hot, copy 16 MiB, same faults: `os/active` hands 128 + 16n and needs
    ///   as much; `job/+1/severe` hands 16 and needs 16. Fits 4, limit start.
    /// - Hot, copy 32 MiB: with n jobs `os/active` needs 128 + 32n, is handed
    ///   128 + 16n, so misses 16n; the pool holds 64 − 16n plus B's 32 MiB
    ///   released: covered while 16n ≤ 96 − 16n, n ≤ 3. At n = 4 it misses
    ///   64 MiB and holds 32 MiB: short 32 MiB on vms50 (a new job's case;
    ///   `job/+1/severe`, missing 16 MiB from a pool of 0, fails too, but
    ///   comes after `os` in the plan's order). Fits 3.
    /// - Ordinary, default faults (memory too): `memory/active` is not covered
    ///   today (A's copy needs 128 MiB, nothing can be read, the pool holds
    ///   64 MiB) and no ordinary job needs it: fits 4, limit start.
    /// - Hot, copy 16 MiB, default faults: the new job needs `memory/active`:
    ///   its copies need 128 + 16 MiB, nothing is handed or released, the pool
    ///   holds 48 MiB: short 96 MiB. Fits 0.
    @Test func theWorkedExampleWith320MiB() throws {
        let compiled = try Self.workedExample(memory: "320Mi")
        let noMemory: [FaultKind] = [.os, .job, .standby]
        let start5 = HeadroomLimit.start(machine: "vms50", os: "active", job: "+5", needed: 16 * Mi, available: 0)
        var answer = try Self.only(Headroom.check(compiled, job: NewJob(memory: 16 * Mi), max: 1000, faults: noMemory))
        #expect(answer.fits == 4 && answer.limit == start5)
        answer = try Self.only(
            Headroom.check(compiled, job: NewJob(memory: 16 * Mi, hotStandby: true), max: 1000, faults: noMemory))
        #expect(answer.fits == 4 && answer.limit == start5)
        answer = try Self.only(
            Headroom.check(
                compiled, job: NewJob(memory: 16 * Mi, hotStandby: true, standbyMemory: 32 * Mi), max: 1000,
                faults: noMemory))
        #expect(answer.fits == 3)
        #expect(
            answer.limit
                == .uncovered(id: "vms50/os/active", newCase: true, coveredToday: true, shortOn: "vms50", shortfall: 32 * Mi, unrecoverable: nil))
        answer = try Self.only(Headroom.check(compiled, job: NewJob(memory: 16 * Mi), max: 1000))
        #expect(answer.fits == 4 && answer.limit == start5)
        answer = try Self.only(Headroom.check(compiled, job: NewJob(memory: 16 * Mi, hotStandby: true), max: 1000))
        #expect(answer.fits == 0)
        #expect(
            answer.limit
                == .uncovered(id: "vms50/memory/active", newCase: true, coveredToday: false, shortOn: "vms50", shortfall: 96 * Mi, unrecoverable: nil))
        // `--max` below the answer: it is reached, and says so.
        answer = try Self.only(Headroom.check(compiled, job: NewJob(memory: 16 * Mi), max: 2))
        #expect(answer.fits == 2 && answer.limit == .max)
    }

    /// More memory, fewer jobs: with 384 MiB the pool holds 128 MiB after
    /// start-up, so `memory/active` (A's copy needs 128 MiB, nothing read or
    /// released) is covered today. One ordinary 16 MiB job takes 16 MiB of
    /// that pool: the case is short 16 MiB, and it must stay covered. Fits 0,
    /// where 320 MiB gave 4: the growth property holds only for the cases
    /// covered in both (docs/headroom.md).
    @Test func moreMemoryCanLowerFitsByCoveringACaseToday() throws {
        let answer = try Self.only(Headroom.check(try Self.workedExample(memory: "384Mi"), job: NewJob(memory: 16 * Mi), max: 1000))
        #expect(answer.fits == 0)
        #expect(
            answer.limit
                == .uncovered(id: "vms50/memory/active", newCase: false, coveredToday: true, shortOn: "vms50", shortfall: 16 * Mi, unrecoverable: nil))
    }

    /// A hot shape on an OS whose standby is on the same machine, with
    /// `machine` faults: the copy dies with the machine, so the first job's
    /// `machine` case is not covered (its standby is down). The limit names
    /// the new job, lost with its machine, not A (lost today too).
    @Test func aHotJobWhoseStandbyDiesWithTheMachineDoesNotFit() throws {
        let answer = try Self.only(
            Headroom.check(
                try Self.workedExample(memory: "320Mi"), job: NewJob(memory: 16 * Mi, hotStandby: true), max: 1000,
                faults: [.os, .machine]))
        #expect(answer.fits == 0)
        #expect(
            answer.limit
                == .uncovered(
                    id: "vms50/machine", newCase: true, coveredToday: false, shortOn: nil, shortfall: 0,
                    unrecoverable: UnrecoverableJob(job: "+1", reason: .standbyDown(standby: "standby"))))
        #expect(answer.limit.copyLostWithMachine)
        #expect(HeadroomBlock(answer.limit) == .copyLost)
    }

    /// `max` 0 tries nothing.
    @Test func maxZeroTriesNothing() throws {
        let answer = try Self.only(Headroom.check(try Self.workedExample(memory: "320Mi"), job: NewJob(memory: 16 * Mi), max: 0))
        #expect(answer.fits == 0 && answer.limit == .max)
    }

    // MARK: - JSON against its schema

    /// Every object the JSON renderer writes has exactly the keys
    /// `schemas/headroom.schema.json` lists for it (each limit matching one of
    /// its forms), and the schema is written as the others are. Limits of
    /// every reason but `too-large` are rendered.
    @Test func theJSONHasTheSchemasKeys() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("schemas/headroom.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect((schema["description"] as? String)?.contains("must ignore fields they do not know") == true)
        func keys(_ object: Any?) -> Set<String> {
            Set(((object as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        func required(_ object: Any?) -> Set<String> { Set((object as? [String: Any])?["required"] as? [String] ?? []) }
        let definitions = try #require(schema["definitions"] as? [String: Any])
        let limits = try #require((definitions["limit"] as? [String: Any])?["oneOf"] as? [[String: Any]])
        #expect(keys(schema) == required(schema))
        #expect(keys(definitions["os"]) == required(definitions["os"]))

        let roomy = try Self.workedExample(memory: "320Mi")
        var reports = [
            Headroom.check(roomy, job: NewJob(memory: 16 * Mi), max: 1000),
            Headroom.check(roomy, job: NewJob(memory: 16 * Mi, hotStandby: true), max: 1000),
            Headroom.check(roomy, job: NewJob(memory: 16 * Mi), max: 2),
        ]
        var noStandby = roomy
        noStandby.machines[0].machine.oses[0].standby = nil
        reports.append(Headroom.check(noStandby, job: NewJob(memory: 16 * Mi, hotStandby: true), max: 1000))
        var reasons: Set<String> = []
        for report in reports {
            var out = ""
            HeadroomRenderer.render(report, format: .json, to: &out)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            #expect(Set(document.keys) == keys(schema))
            #expect(Set((document["job"] as? [String: Any])?.keys.map { $0 } ?? []) == keys((schema["properties"] as? [String: Any])?["job"]))
            for os in try #require(document["oses"] as? [[String: Any]]) {
                #expect(Set(os.keys) == keys(definitions["os"]))
                let limit = try #require(os["limit"] as? [String: Any])
                #expect(limits.contains { keys($0) == Set(limit.keys) && required($0) == Set(limit.keys) }, "\(limit)")
                reasons.insert(limit["reason"] as? String ?? "")
            }
        }
        #expect(reasons == ["start", "case", "max", "no-standby"])
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
                    let there = CaseRules.outcome(of: local.globalFault(fault), in: index.full)
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
