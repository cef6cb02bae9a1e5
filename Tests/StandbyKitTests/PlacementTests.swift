import Foundation
import PropertyBased
import Testing

@testable import StandbyKit

/// `standby place` (docs/placement.md) against a brute force that plans every
/// assignment from scratch, and the spec it writes planned again.
@Suite struct PlacementTests {
    /// Small fleets: few enough assignments to plan each one. Either up to 4
    /// machines of one active, or 2 machines of up to 2 actives (a machine's
    /// `machine` case then depends on two choices at once).
    static func smallFleet() -> Generator<Spec, Shrink.None<Spec>> {
        Generator { rng in
            let wide = Bool.random(using: &rng)
            let shape = RandomSpec.Shape(
                machines: wide ? 2...4 : 2...2, activesPerMachine: wide ? 1...1 : 1...2,
                standbysPerMachine: wide ? 0...1 : 0...2, jobsPerActive: 1...3, residentJobsPerStandby: 0...1,
                machineFaultRate: 0.5)
            return RandomSpec.make(shape, using: &rng)
        }
    }

    /// The actives whose standby is chosen, as the brute force reads the spec:
    /// an active OS with a `standby:` and a hot-standby job without one of its own.
    static func placeable(_ spec: Spec) -> [(machine: Int, os: Int)] {
        spec.machines.enumerated().flatMap { m, machine in
            machine.oses.enumerated().compactMap { o, os in
                os.role == .active && os.standby != nil && os.jobs.contains { $0.hotStandby && $0.standby == nil }
                    ? (m, o) : nil
            }
        }
    }

    /// Every standby of the fleet, as a reference from machine `from`.
    static func references(_ spec: Spec, from m: Int) -> [OSReference] {
        spec.machines.enumerated().flatMap { tm, machine in
            machine.oses.filter { $0.role == .standby }.map {
                OSReference(machine: tm == m ? nil : machine.name, os: $0.name)
            }
        }
    }

    /// The figures the planner gives `spec`, planned from scratch: the cases
    /// no memory covers (counted from the cases themselves), the fluid total.
    static func figures(_ spec: Spec) -> (uncoverable: Int, fluid: Int)? {
        guard !Validator.validate(spec).hasErrors, let compiled = Compiler.compile(spec).0 else { return nil }
        let plan = Planner.plan(compiled)
        let uncoverable = plan.machines.flatMap(\.cases).filter { !$0.covered && !$0.unrecoverable.isEmpty }.count
        return (uncoverable, plan.totals.fluidTotal)
    }

    /// Whether two references name the same OS, seen from machine `m`.
    static func same(_ a: OSReference?, _ b: OSReference?, on m: Int, in spec: Spec) -> Bool {
        func resolved(_ r: OSReference?) -> String? {
            guard let r else { return nil }
            return "\(r.machine ?? spec.machines[m].name)/\(r.os)"
        }
        return resolved(a) == resolved(b)
    }

    final class Seen: @unchecked Sendable {
        var checked = 0
        var improved = 0
        var machineFaults = 0
        var poolFalse = 0
        var crossMachine = 0
        var shared = 0
        var uncoverableLowered = 0
        var written = 0
    }

    @Test func theAnswerIsTheBruteForceBestAndTheWrittenSpecReachesIt() async {
        let seen = Seen()
        await propertyCheck(count: 240, input: Self.smallFleet()) { spec in
            let actives = Self.placeable(spec)
            let options = actives.map { Self.references(spec, from: $0.machine) }
            let count = options.reduce(1) { $0 * max(1, $1.count) }
            guard !actives.isEmpty, count <= 256 else { return }
            // Every assignment, planned from scratch.
            var best: (uncoverable: Int, fluid: Int, changes: Int)?
            var today: (uncoverable: Int, fluid: Int)?
            for n in 0..<count {
                var candidate = spec
                var rest = n
                var changes = 0
                for (a, (m, o)) in actives.enumerated() {
                    let choice = options[a][rest % options[a].count]
                    rest /= options[a].count
                    if !Self.same(choice, spec.machines[m].oses[o].standby, on: m, in: spec) {
                        candidate.machines[m].oses[o].standby = choice
                        changes += 1
                    }
                }
                guard let f = Self.figures(candidate) else {
                    Issue.record("an assignment does not compile")
                    return
                }
                if changes == 0 { today = f }
                let score = (f.uncoverable, f.fluid, changes)
                if best.map({ score < $0 }) ?? true { best = score }
            }
            guard let best, let today else { return }
            // The spec as people write it, with comments, placed from its text.
            var rng = Xoshiro(seed: (UInt64(seen.checked), 7, 11, 13))
            let text = SpecText.write(spec, using: &rng)
            guard let decoded = SpecDecoder.decode(Array(text.utf8)).0 else {
                Issue.record("the spec text does not decode")
                return
            }
            let placed: Placement.Result
            switch Placement.place(decoded, timeLimit: 10) {
            case .success(let r): placed = r
            case .failure(let f):
                Issue.record("place failed: \(f)")
                return
            }
            seen.checked += 1
            #expect(placed.status == .optimal)
            #expect(placed.today == Placement.Figures(uncoverableCases: today.uncoverable, fluidTotal: today.fluid))
            #expect(placed.placed.uncoverableCases == best.uncoverable)
            #expect(placed.placed.fluidTotal == best.fluid)
            #expect(placed.changes.count == best.changes)
            #expect(placed.lowerBound == best.fluid)
            if best.fluid < today.fluid { seen.improved += 1 }
            if best.uncoverable < today.uncoverable { seen.uncoverableLowered += 1 }
            if spec.policies.faults.contains(.machine) { seen.machineFaults += 1 }
            if !spec.policies.pool { seen.poolFalse += 1 }
            if actives.contains(where: { spec.machines[$0.machine].oses[$0.os].standby?.machine != nil }) {
                seen.crossMachine += 1
            }
            if Set(actives.map { spec.machines[$0.machine].oses[$0.os].standby?.description ?? "" }).count < actives.count {
                seen.shared += 1
            }
            // The written spec: only references and sizes change, every comment
            // stays, and planned again it has the figures and no case short.
            for reclaim in [false, true] {
                let written = PlacementWriter.write(placed, original: decoded, source: Array(text.utf8), reclaim: reclaim)
                #expect(written.left.isEmpty)
                #expect(written.edited?.left.isEmpty ?? false)
                let out = String(decoding: written.text, as: UTF8.self)
                for line in text.split(separator: "\n") where line.contains("#") {
                    let comment = line[line.firstIndex(of: "#")!...]
                    #expect(out.contains(comment), "comment \(comment) is gone")
                }
                #expect(SpecEditor.Splice.apply(written.splices, to: Array(text.utf8)) == written.text)
                guard let after = SpecDecoder.decode(written.text).0 else {
                    Issue.record("the written spec does not decode")
                    continue
                }
                // Only OS references and sizes differ from the spec with the new references.
                var expected = placed.spec
                for m in expected.machines.indices {
                    expected.machines[m].memory = after.machines[m].memory
                    for o in expected.machines[m].oses.indices {
                        expected.machines[m].oses[o].memory = after.machines[m].oses[o].memory
                        #expect(after.machines[m].oses[o].standby == placed.spec.machines[m].oses[o].standby)
                    }
                }
                #expect(PlacementWriter.sizes(after) == PlacementWriter.sizes(expected))
                #expect(written.figures == placed.placed)
                #expect(written.covered)
                seen.written += 1
            }
        }
        #expect(seen.checked >= 200, "only \(seen.checked) fleets checked")
        #expect(seen.improved > 0 && seen.machineFaults > 0 && seen.poolFalse > 0)
        #expect(seen.crossMachine > 0 && seen.shared > 0 && seen.uncoverableLowered > 0)
    }
}
