import Foundation
import PropertyBased
import Testing

@testable import StandbyKit

/// The memory to spare a plan report offers is proven by applying it and
/// planning again: every case covered before stays covered.
@Suite struct SpareMemoryTests {
    /// Tallies what the random specs exercised, so that a generator change that
    /// stops producing spare memory (or lowered standbys) fails the test.
    final class Seen: @unchecked Sendable {
        var spare = 0
        var standbyLowered = 0
        var standbyRaised = 0
        var reserveAboveMinimum = 0
    }

    @Test func applyingEverySpareChangeKeepsEveryCoveredCaseCovered() async {
        let seen = Seen()
        await propertyCheck(count: 400, input: RandomSpec.generator()) { spec in
            var spec = spec
            spec.policies.pool = true
            guard let compiled = Compiler.compile(spec).0 else { return }
            let plan = Planner.plan(compiled)
            var changed = spec
            var spares: [SpareMemory] = []
            for (m, machine) in plan.machines.enumerated() {
                guard let spare = SpareMemory.of(machine, in: compiled, machine: m) else { continue }
                #expect(spare.bytes > 0)
                spares.append(spare)
                changed = spare.applied(to: changed)
                for edit in spare.edits where edit.os != nil {
                    if edit.to < edit.from { seen.standbyLowered += 1 } else { seen.standbyRaised += 1 }
                }
                if compiled.machines[m].machine.reserve > machine.reserveMinimum { seen.reserveAboveMinimum += 1 }
            }
            seen.spare += spares.count
            guard !spares.isEmpty else { return }
            let (tight, diagnostics) = Compiler.compile(changed)
            guard let tight else {
                Issue.record("the spec with its spare memory given back does not compile: \(diagnostics.all.map(\.message))")
                return
            }
            let after = Planner.plan(tight)
            let covered = Dictionary(after.cases.map { ($0.id, $0.covered) }, uniquingKeysWith: { a, _ in a })
            for c in plan.cases where c.covered {
                #expect(covered[c.id] == true, "\(c.id) was covered and is not after giving back spare memory")
            }
            for spare in spares {
                let before = plan.machines[spare.index]
                let now = after.machines[spare.index]
                #expect(now.memory == before.memory - spare.bytes)
                // The figures depend on what moves, not on the sizes.
                #expect(now.fluidTotal == before.fluidTotal)
                #expect(now.reserveMinimum == before.reserveMinimum)
                // Nothing is left to give back.
                #expect(SpareMemory.of(now, in: tight, machine: spare.index) == nil)
            }
        }
        #expect(seen.spare > 50)
        #expect(seen.standbyLowered > 20)
        #expect(seen.standbyRaised > 0)
        #expect(seen.reserveAboveMinimum > 0)
    }

    @Test func noSpareMemoryWithoutThePool() async {
        await propertyCheck(count: 50, input: RandomSpec.generator()) { spec in
            var spec = spec
            spec.policies.pool = false
            guard let compiled = Compiler.compile(spec).0 else { return }
            let plan = Planner.plan(compiled)
            for (m, machine) in plan.machines.enumerated() {
                #expect(SpareMemory.of(machine, in: compiled, machine: m) == nil)
            }
        }
    }

    /// The cross-machine example: each machine gives back its standbys' excess
    /// and the pool above its reserve minimum, worked out by hand.
    @Test func crossMachineExample() throws {
        let compiled = try #require(Compiler.compile(try example("cross-machine.yaml")).0)
        let plan = Planner.plan(compiled)
        let spares = plan.machines.enumerated().compactMap { SpareMemory.of($1, in: compiled, machine: $0) }
        let gi = 1 << 30
        // rack1: 48 GiB; needs monitor 2 + footprint 30 + spare1 at 2 + reserve minimum 8 = 42 GiB.
        // rack2: 32 GiB; needs monitor 2 + footprint 12 + spare2 2 + dr 9 + reserve minimum 4 = 29 GiB.
        #expect(spares.map(\.machine) == ["rack1", "rack2"])
        #expect(spares.map(\.bytes) == [6 * gi, 3 * gi])
        #expect(spares[0].edits.map(\.to) == [2 * gi, 42 * gi])
        #expect(spares[1].edits.map(\.to) == [2 * gi, 9 * gi, 29 * gi])
    }
}

private func example(_ name: String) throws -> Spec {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/\(name)")
    let (spec, diagnostics) = SpecLoader.load(Array(try Data(contentsOf: url)))
    #expect(!diagnostics.hasErrors)
    return try #require(spec)
}
