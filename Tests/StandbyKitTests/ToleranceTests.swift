import Foundation
import PropertyBased
import Synchronization
import Testing

@testable import StandbyKit

/// The answer of `Tolerance.check` without any pruning: every set of every
/// size up to K, in plan order, simulated with `SetRules`.
enum BruteForce {
    struct Answer: Equatable {
        var k: Int
        var checkedUpTo: Int
        /// The first uncovered set, as positions in the kind's faults.
        var set: [Int]?
    }

    /// Every `size`-subset of 0..<n in lexicographic order, until `body` says stop.
    static func forEachSubset(of n: Int, size: Int, _ body: ([Int]) -> Bool) {
        guard size <= n else { return }
        var set = Array(0..<size)
        while true {
            if !body(set) { return }
            var i = size - 1
            while i >= 0 && set[i] == n - size + i { i -= 1 }
            if i < 0 { return }
            set[i] += 1
            for j in (i + 1)..<size { set[j] = set[j - 1] + 1 }
        }
    }

    static func answer(_ state: FinalState, kind: ToleranceKind, maxK: Int) -> Answer {
        let faults = Tolerance.faults(kind, in: state)
        let top = min(maxK, faults.count)
        guard top >= 1 else { return Answer(k: maxK, checkedUpTo: 0) }
        for size in 1...top {
            var found: [Int]?
            forEachSubset(of: faults.count, size: size) { set in
                if SetRules.outcome(of: set.map { faults[$0] }, in: state).covered { return true }
                found = set
                return false
            }
            if let found { return Answer(k: size - 1, checkedUpTo: size, set: found) }
        }
        return Answer(k: maxK, checkedUpTo: top)
    }
}

/// Random specs for tolerance: `RandomSpec`'s, with more machine memory (so
/// more pool) so that every answer from 0 to K occurs. A third of them get a
/// random amount on some machines; the others just enough that every set of
/// one (or of at most two) `os` faults that memory can cover is covered, plus
/// up to 3 granules: there the next size is often near the edge.
enum ToleranceSpec {
    static func make<R: RandomNumberGenerator>(_ shape: RandomSpec.Shape = .init(), using rng: inout R) -> Spec {
        var spec = RandomSpec.make(shape, using: &rng)
        let level = Int.random(in: 0...2, using: &rng)
        guard level > 0 else {
            for m in spec.machines.indices where Bool.random(using: &rng) {
                spec.machines[m].memory += Int.random(in: 0...40, using: &rng) * spec.machines[m].granule
            }
            return spec
        }
        // A set short on a machine is covered once that machine's pool grows by
        // its shortfall there (the pool only adds to what each set holds).
        let state = FinalState(RandomSpec.compile(spec))
        let faults = Tolerance.faults(.os, in: state)
        var grow = Array(repeating: 0, count: spec.machines.count)
        for size in 1...level {
            BruteForce.forEachSubset(of: faults.count, size: size) { set in
                for pool in SetRules.outcome(of: set.map { faults[$0] }, in: state).pools {
                    grow[pool.machine] = max(grow[pool.machine], pool.shortfall)
                }
                return true
            }
        }
        for m in spec.machines.indices {
            let g = spec.machines[m].granule
            spec.machines[m].memory += (grow[m] + g - 1) / g * g + Int.random(in: 0...3, using: &rng) * g
        }
        return spec
    }

    static func generator(_ shape: RandomSpec.Shape = .init()) -> Generator<Spec, Shrink.None<Spec>> {
        Generator { rng in make(shape, using: &rng) }
    }
}

@Suite struct ToleranceTests {
    static let Mi = 1 << 20
    static let Gi = 1 << 30

    /// What the random specs exercised, so that the test fails if the
    /// generator stops producing some situation.
    typealias Seen = ExercisedFeatures

    static func ids(_ set: [Int], _ kind: ToleranceKind, _ state: FinalState) -> [String] {
        let faults = Tolerance.faults(kind, in: state)
        return set.map { state.caseID(of: faults[$0]) }
    }

    /// The search against the brute force, on random specs, for both kinds:
    /// k, the size checked and the counterexample (its exact set and its
    /// shortfall) agree.
    @Test func theSearchAgreesWithTheBruteForce() async {
        let seen = Seen()
        await propertyCheck(count: 500, input: ToleranceSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let state = FinalState(compiled)
            let report = Tolerance.check(compiled, kinds: [.os, .machine], maxK: 3)
            #expect(report.kinds.map(\.kind) == [.os, .machine])
            for answer in report.kinds {
                let brute = BruteForce.answer(state, kind: answer.kind, maxK: 3)
                #expect(answer.complete)
                #expect(answer.k == brute.k, "\(answer.kind)")
                #expect(answer.checkedUpTo == brute.checkedUpTo, "\(answer.kind)")
                #expect(answer.possibleFaults == Tolerance.faults(answer.kind, in: state).count)
                #expect(answer.counterexample?.cases == brute.set.map { Self.ids($0, answer.kind, state) })
                guard let set = brute.set else { continue }
                let faults = Tolerance.faults(answer.kind, in: state)
                let outcome = SetRules.outcome(of: set.map { faults[$0] }, in: state)
                #expect(answer.counterexample?.shortfall == outcome.shortfall)
                #expect(answer.counterexample?.unrecoverable.count == outcome.unrecoverable.count)

                seen.note("k=\(answer.k)")
                seen.note("counterexample by shortfall", set.count >= 2 && outcome.shortfall > 0)
                seen.note("counterexample by lost copies", !outcome.unrecoverable.isEmpty)
                seen.note("lost copy across machines", answer.kind == .machine && set.count == 2)
                // Several faults of the set send copies to one standby.
                seen.note(
                    "N:1 interaction",
                    outcome.receivers.contains { r in Set(r.copies.map { $0.osAddress }).count > 1 && set.count > 1 })
                // The faults are on several machines and still meet at a standby.
                seen.note(
                    "cross-machine interaction",
                    answer.kind == .os && Set(set.map { faults[$0].machine }).count > 1
                        && outcome.receivers.contains { r in Set(r.copies.map(\.machine)).count > 1 })
            }
            for answer in report.kinds where answer.counterexample == nil { seen.note("k=\(answer.k) of \(answer.maxK)") }
            seen.note("pool: false", !spec.policies.pool)
            seen.note("os_area: release", spec.policies.osArea == .release)
        }
        let expected: Set<String> = [
            "k=0", "k=1", "k=2", "k=3 of 3", "counterexample by shortfall", "counterexample by lost copies",
            "lost copy across machines", "N:1 interaction", "cross-machine interaction", "pool: false",
            "os_area: release",
        ]
        #expect(expected.subtracting(seen.features).isEmpty, "never seen: \(expected.subtracting(seen.features))")
    }

    /// Larger specs (up to 20 actives, so more faults meet at a standby and
    /// more sets are connected) and every K from 1 to 5: still the brute
    /// force's answer.
    @Test func theSearchAgreesWithTheBruteForceOnLargerSpecsAndEveryK() async {
        let shape = RandomSpec.Shape(machines: 2...4, activesPerMachine: 2...5, jobsPerActive: 0...3)
        let seen = Seen()
        await propertyCheck(count: 150, input: ToleranceSpec.generator(shape)) { spec in
            let compiled = RandomSpec.compile(spec)
            let state = FinalState(compiled)
            let maxK = 1 + spec.machines.reduce(0) { $0 + $1.oses.count } % 5
            for answer in Tolerance.check(compiled, kinds: [.os, .machine], maxK: maxK).kinds {
                let brute = BruteForce.answer(state, kind: answer.kind, maxK: maxK)
                #expect(answer.complete)
                #expect((answer.k, answer.checkedUpTo) == (brute.k, brute.checkedUpTo), "\(answer.kind) K \(maxK)")
                #expect(answer.counterexample?.cases == brute.set.map { Self.ids($0, answer.kind, state) })
                seen.note("k=\(answer.k)")
                seen.note("enumerated", answer.examined > 0)
            }
        }
        #expect(["k=0", "k=1", "k=2", "k=3", "enumerated"].allSatisfy(seen.features.contains), "\(seen.features)")
    }

    /// With a small limit of examined sets the search may stop; it then
    /// claims only sizes it finished, and never more than the truth.
    @Test func aStoppedSearchClaimsOnlyWhatItChecked() async {
        let seen = Seen()
        await propertyCheck(count: 200, input: ToleranceSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let state = FinalState(compiled)
            let limit = Int.random(in: 1...6)
            for answer in Tolerance.check(compiled, kinds: [.os, .machine], maxK: 4, maxSets: limit).kinds {
                let brute = BruteForce.answer(state, kind: answer.kind, maxK: 4)
                if answer.complete {
                    #expect(answer.k == brute.k)
                    #expect(answer.counterexample?.cases == brute.set.map { Self.ids($0, answer.kind, state) })
                } else {
                    seen.note("stopped")
                    #expect(answer.k < brute.k || (answer.k == brute.k && brute.set != nil))
                    #expect(answer.k <= brute.k)
                    #expect(answer.counterexample == nil)
                    #expect(answer.checkedUpTo == answer.k)
                    #expect(answer.examined == limit)
                    #expect(answer.simulated >= answer.possibleFaults)
                    #expect(!answer.reachesMaxK)
                }
            }
        }
        #expect(seen.features.contains("stopped"))
    }

    /// Growing a machine's memory grows its pool and never lowers k.
    @Test func moreMachineMemoryNeverLowersK() async {
        await propertyCheck(count: 200, input: ToleranceSpec.generator()) { spec in
            let before = Tolerance.check(RandomSpec.compile(spec), kinds: [.os, .machine], maxK: 3)
            var grown = spec
            let m = (spec.machines.count - 1) / 2
            grown.machines[m].memory += (1 + spec.machines.count * 7 % 13) * spec.machines[m].granule
            let after = Tolerance.check(RandomSpec.compile(grown), kinds: [.os, .machine], maxK: 3)
            for (a, b) in zip(before.kinds, after.kinds) {
                #expect(b.k >= a.k, "\(a.kind): \(a.k) → \(b.k)")
            }
        }
    }

    /// k for `os` is 0 exactly when the plan has an uncovered `os` case, and
    /// the counterexample is then the plan's first uncovered `os` case.
    @Test func noSingleOSFaultCoveredIsThePlansAnswer() async {
        await propertyCheck(count: 300, input: ToleranceSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let plan = Planner.plan(compiled, faults: [.os])
            let answer = Tolerance.check(compiled, kinds: [.os], maxK: 2).kinds[0]
            let uncovered = plan.cases.filter { !$0.covered }
            #expect((answer.k == 0) == !uncovered.isEmpty)
            if let first = uncovered.first {
                #expect(answer.counterexample?.cases == [first.id])
                #expect(answer.counterexample?.shortfall == first.shortfall)
            }
        }
    }

    @Test func twoRunsGiveTheSameAnswer() async {
        await propertyCheck(count: 100, input: ToleranceSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            #expect(
                Tolerance.check(compiled, kinds: [.machine, .os, .os], maxK: 3)
                    == Tolerance.check(compiled, kinds: [.os, .machine], maxK: 3))
        }
    }

    // MARK: - By hand

    /// The worked example (docs/model.md): one machine, one active. By hand:
    ///
    /// - `os`: one possible fault, `vms50/os/active`, covered in the plan (A's
    ///   128 MiB are handed to `standby`, whose copy needs 128 MiB). No set of
    ///   2 or 3 exists, so the kind reaches K = 3, checked up to 1.
    /// - `machine`: the only machine fails with `standby` on it: A's copy has
    ///   nowhere to start (k = 0), no memory is short (shortfall 0).
    @Test func theWorkedExample() throws {
        let compiled = RandomSpec.compile(PlannerFixtures.workedExample())
        let report = Tolerance.check(compiled, kinds: [.machine, .os], maxK: 3)
        let os = report.kinds[0]
        #expect((os.kind, os.k, os.checkedUpTo, os.possibleFaults) == (.os, 3, 1, 1))
        #expect(os.counterexample == nil && os.reachesMaxK && os.complete)
        let machine = report.kinds[1]
        #expect((machine.kind, machine.k, machine.checkedUpTo, machine.possibleFaults) == (.machine, 0, 1, 1))
        let c = try #require(machine.counterexample)
        #expect(c.cases == ["vms50/machine"])
        #expect(c.shortfall == 0 && c.shortages.isEmpty)
        #expect(c.unrecoverable == [UnrecoverableJob(job: "vms50/A", reason: .standbyDown(standby: "vms50/standby"))])
        #expect(!report.reachesMaxK)
    }

    /// examples/cross-machine.yaml. By hand (GiB; final pools rack1 12, rack2 11):
    ///
    /// - `os` faults: rack1/app, rack1/ledger, rack2/web.
    ///   - app: api's 8 return to rack1's pool, dr needs 6 with 3 − 2 = 1 free:
    ///     missing 5; session's 4 are handed to spare1 (need 4): missing 0;
    ///     reports' 4 return to rack1's pool.
    ///   - ledger: ledger-db's 8 handed to spare1 (need 8, free 4 − 2 = 2): 0.
    ///   - web: web-front's 6 handed to spare2 (need 4): 0; web-static's 3 return
    ///     to rack2's pool.
    ///   - {app, ledger}: spare1 needs 12, handed 12: 0; dr 5 from rack2's 11.
    ///   - {app, web}: dr 5 from rack2's 11 + 3 released; {ledger, web} 0.
    ///   - all three: spare1 0, spare2 0, dr 5 from 14: covered.
    ///   So every set of at most 3 is covered: k = 3, checked up to 3.
    /// - `machine`: rack1 fails with spare1 on it: session and ledger-db lose
    ///   their copies (k = 0); api's copy starts on rack2/dr (1 free + 5 of 11).
    @Test func theCrossMachineExample() throws {
        let compiled = RandomSpec.compile(PlannerFixtures.crossMachineExample())
        let report = Tolerance.check(compiled, kinds: [.os, .machine], maxK: 3)
        let os = report.kinds[0]
        #expect((os.k, os.checkedUpTo, os.possibleFaults, os.complete) == (3, 3, 3, true))
        #expect(os.counterexample == nil)
        let machine = report.kinds[1]
        #expect((machine.k, machine.checkedUpTo, machine.possibleFaults) == (0, 1, 2))
        let c = try #require(machine.counterexample)
        #expect(c.cases == ["rack1/machine"])
        #expect(c.shortfall == 0)
        #expect(
            c.unrecoverable == [
                UnrecoverableJob(job: "rack1/session", reason: .standbyDown(standby: "rack1/spare1")),
                UnrecoverableJob(job: "rack1/ledger-db", reason: .standbyDown(standby: "rack1/spare1")),
            ])
        // With K = 1 the os kind reaches K, the machine kind does not.
        let one = Tolerance.check(compiled, kinds: [.os], maxK: 1)
        #expect(one.reachesMaxK && one.kinds[0].k == 1 && one.kinds[0].checkedUpTo == 1)
    }

    /// SetRulesTests' shared standby (worked out there): a and b alone are
    /// covered, together 1 GiB short; c alone is covered. So k = 1 and the
    /// first uncovered pair in plan order is {a, b}.
    @Test func aSharedStandbyByHand() throws {
        let Gi = Self.Gi
        let compiled = RandomSpec.compile(SetRulesTests.sharedStandby)
        let answer = Tolerance.check(compiled, kinds: [.os], maxK: 3).kinds[0]
        #expect((answer.k, answer.checkedUpTo, answer.possibleFaults) == (1, 2, 3))
        let c = try #require(answer.counterexample)
        #expect(c.cases == ["m/os/a", "m/os/b"])
        #expect(c.shortfall == Gi)
        let s = try #require(c.shortages.first)
        #expect(
            (s.machine, s.held, s.released, s.missing, s.shortfall, s.requiredPool)
                == ("m", 0, 0, Gi, Gi, Gi))
        #expect(s.standbys.map(\.standby) == ["s"])
        // s holds 2 GiB; 1 GiB more covers the pair.
        #expect(s.standbys.map(\.coveringAllocation) == [3 * Gi])
        #expect(s.standbys.first?.shortJobs == ["m/b-j"])
        #expect(
            c.covers == [
                "would be covered by a pool of 1 GiB on m after start-up (machine memory +1 GiB)"
            ])
    }

    // MARK: - Bounded work

    /// One standby shared by `count` actives, each handing it a 1 MiB job
    /// whose copy needs 2 MiB; the standby has `free` MiB free, the pool is
    /// empty; with `release`, each active also returns a 1 MiB ordinary job.
    static func hub(_ count: Int, free: Int, release: Bool) -> Spec {
        let Mi = Self.Mi
        var oses: [OS] = (0..<count).map { i in
            var jobs = [Job(name: "h\(i)", memory: Mi, hotStandby: true, standbyMemory: 2 * Mi)]
            if release { jobs.append(Job(name: "o\(i)", memory: Mi)) }
            return OS(
                name: "a\(i)", role: .active, memory: Mi * (1 + jobs.count), kernel: Mi,
                standby: OSReference(os: "s"), jobs: jobs)
        }
        oses.append(OS(name: "s", role: .standby, memory: (1 + free) * Mi, kernel: Mi))
        let memory = oses.reduce(Mi) { $0 + $1.memory }
        return Spec(
            policies: Policies(faults: [.os]),
            machines: [Machine(name: "hub", memory: memory, monitor: Mi, oses: oses)])
    }

    /// 400 actives on one standby with 2 MiB free: each active asks 1 MiB
    /// beyond what it hands over, so any 2 fit and 3 are 1 MiB short. The
    /// search meets the first three at once, rather than the 10 million sets
    /// of 3: the first root's walk (399 faults) and a handful of sets
    /// examined, each set of 3 charged the hub's list of faults it reads to
    /// find its last fault (counted, not timed: a step is O(1) work).
    @Test func aStandbySharedByManyActivesIsAnsweredAtOnce() throws {
        let compiled = RandomSpec.compile(Self.hub(400, free: 2, release: false))
        let answer = Tolerance.check(compiled, kinds: [.os], maxK: 5).kinds[0]
        #expect((answer.k, answer.checkedUpTo, answer.complete) == (2, 3, true))
        #expect(answer.counterexample?.cases == ["hub/os/a0", "hub/os/a1", "hub/os/a2"])
        #expect(answer.counterexample?.shortfall == Self.Mi)
        #expect(answer.examined < 3000)
    }

    /// The same hub, each active also returning 1 MiB to the pool: every set
    /// is covered (what it asks, it releases), and the bound proves it
    /// without enumerating a set.
    @Test func aBoundProvesAWholeSizeCovered() {
        let compiled = RandomSpec.compile(Self.hub(400, free: 0, release: true))
        let answer = Tolerance.check(compiled, kinds: [.os], maxK: 8).kinds[0]
        #expect((answer.k, answer.checkedUpTo, answer.complete) == (8, 8, true))
        #expect(answer.simulated == 400)
        #expect(answer.examined < 1000)
    }

    // MARK: - Rendering

    @Test func theJSONMatchesItsSchema() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("schemas/tolerate.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let definitions = try #require(schema["definitions"] as? [String: Any])
        func keys(_ object: Any?) -> Set<String> {
            Set(((object as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        var out = ""
        let report = Tolerance.check(RandomSpec.compile(SetRulesTests.sharedStandby), kinds: [.os, .machine], maxK: 3)
        ToleranceRenderer.render(report, format: .json, unit: .auto, to: &out)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(Set(document.keys) == keys(schema))
        let kinds = try #require(document["tolerance"] as? [[String: Any]])
        #expect(Set(kinds[0].keys) == keys(definitions["kind"]))
        let c = try #require(kinds[0]["counterexample"] as? [String: Any])
        #expect(Set(c.keys) == keys(definitions["counterexample"]))
        let machines = try #require(c["machines"] as? [[String: Any]])
        #expect(Set(machines[0].keys) == keys(definitions["machine"]))
        #expect(c["shortfall_bytes"] as? Int == Self.Gi)
        #expect(c["cases"] as? [String] == ["m/os/a", "m/os/b"])
        // The machine fails with the standby on it: both copies are lost.
        let lost = try #require((kinds[1]["counterexample"] as? [String: Any])?["unrecoverable"] as? [[String: Any]])
        #expect(lost.map { $0["job"] as? String } == ["m/a-j", "m/b-j"])
        #expect(lost.allSatisfy { $0["reason"] as? String == "standby_down" && $0["standby"] as? String == "m/s" })
        #expect(Set(lost[0].keys) == ["job", "reason", "standby"])
        // A kind every set of which is covered has a null counterexample.
        var covered = ""
        ToleranceRenderer.render(
            Tolerance.check(RandomSpec.compile(PlannerFixtures.crossMachineExample()), kinds: [.os], maxK: 2),
            format: .json, unit: .auto, to: &covered)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(covered.utf8)) as? [String: Any])
        #expect((answer["tolerance"] as? [[String: Any]])?.first?["counterexample"] is NSNull)
        #expect(answer["reaches_max_k"] as? Bool == true)
    }

    @Test func textLeadsWithTheAnswerAndEscapesNames() {
        var spec = SetRulesTests.sharedStandby
        spec.machines[0].name = "m\u{1B}[31m"
        let report = Tolerance.check(RandomSpec.compile(spec), kinds: [.os], maxK: 3)
        var text = ""
        ToleranceRenderer.render(report, format: .text, unit: .MiB, to: &text)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "os faults: every single fault is covered (checked up to 2)")
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("m\\u{1B}[31m/os/a"))
        #expect(text.contains("1024 MiB short"))
        var markdown = ""
        ToleranceRenderer.render(report, format: .markdown, unit: .auto, to: &markdown)
        #expect(markdown.contains("| os | 1 | 2 | 3 | Every single fault is covered |"))
        #expect(!markdown.split(separator: "\n").contains { $0.hasSuffix(" ") })
    }
}
