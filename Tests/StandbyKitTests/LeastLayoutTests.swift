import Foundation
import PropertyBased
import Testing

@testable import StandbyKit

/// The least layout (docs/advice.md, "The least layout") is proven by
/// applying it and planning again: with every standby at its minimum and
/// every machine at its fluid total, every job starts, the pool after start-up
/// holds the reserve and no case is short anywhere; one granule less on any
/// machine (or, with `pool: false`, on a standby above its floor) and some
/// case is short there or some job cannot start.
@Suite struct LeastLayoutTests {
    /// Tallies what the random specs exercised, so that a generator change that
    /// stops producing some feature fails the test.
    final class Seen: @unchecked Sendable {
        var poolFalse = 0
        var machineFaults = 0
        var crossMachine = 0
        var shared = 0
        var release = 0
        var lossy = 0
        var reserveBinds = 0
        var lowered = 0
        var raised = 0
        var standbyAboveFloor = 0
        var uncoverable = 0
    }

    /// Why `spec` does not hold on machine `m`: a job cannot start (any
    /// error), its pool after start-up is below its reserve, or some case
    /// leaves a shortfall on it; `nil` when it holds.
    static func failure(of spec: Spec, machine m: Int) -> String? {
        let (compiled, diagnostics) = Compiler.compile(spec)
        guard let compiled, !diagnostics.hasErrors else { return "does not compile" }
        let plan = Planner.plan(compiled)
        let machine = plan.machines[m]
        if machine.pool < spec.machines[m].reserve { return "pool below the reserve" }
        for c in plan.cases where c.shortages.contains(where: { $0.machine == machine.name && $0.shortfall > 0 }) {
            return "\(c.id) is short on \(machine.name)"
        }
        return nil
    }

    @Test func theLeastLayoutCoversEveryCoverableCaseAndOneGranuleLessDoesNot() async {
        let seen = Seen()
        await propertyCheck(count: 500, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let plan = Planner.plan(compiled)
            var least = spec
            for (m, machine) in plan.machines.enumerated() {
                guard let layout = LeastLayout.of(machine, in: compiled, machine: m) else {
                    Issue.record("no least layout for \(machine.name)")
                    return
                }
                #expect(layout.memory == machine.fluidTotal)
                #expect(layout.spare == max(0, machine.memory - machine.fluidTotal))
                least = layout.applied(to: least)
                for edit in layout.edits { if edit.to < edit.from { seen.lowered += 1 } else { seen.raised += 1 } }
                if compiled.machines[m].machine.reserve > machine.reserveMinimum { seen.reserveBinds += 1 }
                if !spec.policies.pool { seen.standbyAboveFloor += machine.standbys.filter { $0.minimum > $0.kernel + $0.resident }.count }
            }
            seen.poolFalse += spec.policies.pool ? 0 : 1
            seen.machineFaults += spec.policies.faults.contains(.machine) ? 1 : 0
            seen.release += spec.policies.osArea == .release ? 1 : 0
            seen.lossy += spec.policies.memoryLost != .zero && spec.policies.faults.contains(.memory) ? 1 : 0
            let state = FinalState(compiled)
            seen.crossMachine += state.allJobs.contains { j in state.job(j).standby.map { $0.machine != j.machine } ?? false } ? 1 : 0
            seen.shared += state.allOSes.contains { state.incoming($0).map(\.osAddress).uniqued().count > 1 } ? 1 : 0

            let (tight, diagnostics) = Compiler.compile(least)
            guard let tight, !diagnostics.hasErrors else {
                Issue.record("the least layout does not compile: \(diagnostics.all.map(\.message))")
                return
            }
            let after = Planner.plan(tight)
            for (m, machine) in after.machines.enumerated() {
                let before = plan.machines[m]
                // The least layout's memory is its fluid total, and its figures are those planned.
                #expect(machine.memory == before.fluidTotal, "\(machine.name)")
                #expect(machine.fluidTotal == before.fluidTotal, "\(machine.name)")
                #expect(machine.standbys.map(\.minimum) == before.standbys.map(\.minimum), "\(machine.name)")
                #expect(machine.pool >= least.machines[m].reserve, "\(machine.name): pool below its reserve")
                // Nothing is left to give back or to raise.
                #expect(LeastLayout.of(machine, in: tight, machine: m)?.edits == [], "\(machine.name)")
            }
            // Every case memory can cover is covered; the others lose only what no memory brings back.
            for c in after.cases {
                #expect(c.shortfall == 0, "\(c.id) is short in the least layout")
                #expect(c.covered || !c.unrecoverable.isEmpty, "\(c.id)")
                if !c.covered { seen.uncoverable += 1 }
            }
            // One granule less on any machine does not hold.
            for m in least.machines.indices {
                var less = least
                less.machines[m].memory -= least.machines[m].granule
                #expect(Self.failure(of: less, machine: m) != nil, "\(least.machines[m].name) holds one granule below")
            }
            // With `pool: false`, one granule less on a standby above its floor leaves a case short on its machine.
            guard !spec.policies.pool else { return }
            for (m, machine) in after.machines.enumerated() {
                for figure in machine.standbys where figure.minimum > figure.kernel + figure.resident {
                    guard let o = least.machines[m].oses.firstIndex(where: { $0.name == figure.name }) else { continue }
                    var less = least
                    less.machines[m].oses[o].memory -= least.machines[m].granule
                    #expect(Self.failure(of: less, machine: m) != nil, "\(machine.name)/\(figure.name) holds one granule below")
                }
            }
        }
        #expect(seen.poolFalse > 50)
        #expect(seen.machineFaults > 50)
        #expect(seen.crossMachine > 50)
        #expect(seen.shared > 50)
        #expect(seen.release > 50)
        #expect(seen.lossy > 50)
        #expect(seen.reserveBinds > 10)
        #expect(seen.lowered > 100)
        #expect(seen.raised > 10)
        #expect(seen.standbyAboveFloor > 20)
        #expect(seen.uncoverable > 10)
    }

    /// The spare memory a report offers is the least layout's, and only where
    /// the machine holds more than its fluid total.
    @Test func spareMemoryIsTheLeastLayoutBeyondTheFluidTotal() async {
        await propertyCheck(count: 200, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let plan = Planner.plan(compiled)
            for (m, machine) in plan.machines.enumerated() {
                let spare = SpareMemory.of(machine, in: compiled, machine: m)
                if machine.memory > machine.fluidTotal {
                    #expect(spare?.bytes == machine.memory - machine.fluidTotal)
                    #expect(spare?.edits == LeastLayout.of(machine, in: compiled, machine: m)?.edits)
                } else {
                    #expect(spare == nil)
                }
            }
        }
    }

    /// The fix a plan reads off its own figures (no case simulated again) is
    /// the fix `standby fix` makes and proves by planning again.
    @Test func thePlansFixIsTheFixCommandsFix() async {
        await propertyCheck(count: 300, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let (figures, _) = Planner.planWithFigures(compiled)
            guard let quick = LeastMemory.fix(figures, compiled: compiled),
                case .success(let proven) = LeastMemory.fix(spec)
            else {
                Issue.record("no fix")
                return
            }
            #expect(proven.isProven)
            #expect(quick.fixed.machines.map(\.memory) == proven.fixed.machines.map(\.memory))
            #expect(
                quick.fixed.machines.map { $0.oses.map(\.memory) } == proven.fixed.machines.map { $0.oses.map(\.memory) })
            #expect(quick.machines == proven.machines)
        }
    }

    /// Every alternative a report quotes for a short case ("would be covered
    /// by a pool of …", "… at … (machine memory +…)") is exact: applied, the
    /// case leaves nothing short on that machine; one granule less does not.
    @Test func everyQuotedAlternativeCoversItsCaseAndOneGranuleLessDoesNot() async {
        let seen = Seen()
        await propertyCheck(count: 400, input: RandomSpec.generator()) { spec in
            let spec = squeezedForFailover(spec)
            guard let compiled = Compiler.compile(spec).0 else { return }
            let plan = Planner.plan(compiled)
            for c in plan.cases {
                for s in c.shortages where s.shortfall > 0 {
                    guard let m = spec.machines.firstIndex(where: { $0.name == s.machine }) else { continue }
                    let g = spec.machines[m].granule
                    var covered = spec
                    covered.machines[m].memory = s.coveringMemory
                    if !spec.policies.pool {
                        seen.poolFalse += 1
                        for sb in s.standbys {
                            guard let o = spec.machines[m].oses.firstIndex(where: { $0.name == sb.standby }) else { continue }
                            covered.machines[m].oses[o].memory = sb.coveringAllocation
                        }
                    } else {
                        seen.raised += 1
                    }
                    #expect(Self.caseFailure(c.id, of: covered, machine: m) == nil, "\(c.id) on \(s.machine)")
                    if s.coveringMemory > s.memory {
                        var less = covered
                        less.machines[m].memory -= g
                        #expect(Self.caseFailure(c.id, of: less, machine: m) != nil, "\(c.id): memory one granule less")
                    }
                    if !spec.policies.pool {
                        for sb in s.standbys {
                            guard let o = spec.machines[m].oses.firstIndex(where: { $0.name == sb.standby }) else { continue }
                            var less = covered
                            less.machines[m].oses[o].memory -= g
                            #expect(Self.caseFailure(c.id, of: less, machine: m) != nil, "\(c.id): \(sb.standby) one granule less")
                        }
                    }
                }
            }
        }
        #expect(seen.poolFalse > 20)
        #expect(seen.raised > 20)
    }

    /// Why case `id` does not hold on machine `m` of `spec`: a job cannot
    /// start, the pool after start-up is below the reserve, or the case is
    /// short there.
    static func caseFailure(_ id: String, of spec: Spec, machine m: Int) -> String? {
        let (compiled, diagnostics) = Compiler.compile(spec)
        guard let compiled, !diagnostics.hasErrors else { return "does not compile" }
        let plan = Planner.plan(compiled)
        let machine = plan.machines[m]
        if machine.pool < spec.machines[m].reserve { return "pool below the reserve" }
        guard let c = plan.faultCase(id: id) else { return "no case" }
        return c.shortages.contains { $0.machine == machine.name && $0.shortfall > 0 } ? "short" : nil
    }

    /// The cross-machine example: each machine gives back its standbys' excess
    /// and the pool above its reserve minimum, worked out by hand.
    @Test func crossMachineExample() throws {
        let compiled = try #require(Compiler.compile(try example("cross-machine.yaml")).0)
        let plan = Planner.plan(compiled)
        let spares = plan.machines.enumerated().compactMap { SpareMemory.of($1, in: compiled, machine: $0) }
        let gi = 1 << 30
        // rack1: 48 GiB; needs monitor 2 + footprint 30 + spare1 at 2 + reserve minimum 8 = 42 GiB.
        // rack2: 32 GiB; needs monitor 2 + footprint 12 + spare2 2 + dr 3 + reserve minimum 6 = 25 GiB.
        #expect(spares.map(\.machine) == ["rack1", "rack2"])
        #expect(spares.map(\.bytes) == [6 * gi, 7 * gi])
        #expect(spares[0].edits.map(\.to) == [2 * gi, 42 * gi])
        #expect(spares[1].edits.map(\.to) == [2 * gi, 3 * gi, 25 * gi])
    }
}

/// `spec` with each machine's memory cut to its allocations plus a granule or
/// two of pool, so that failover is often short while every job still starts
/// (or the spec as it was, when that does not compile).
private func squeezedForFailover(_ spec: Spec) -> Spec {
    var squeezed = spec
    for m in spec.machines.indices {
        var trial = squeezed
        guard let compiled = Compiler.compile(trial).0 else { continue }
        let pool = compiled.machines[m].pool
        let keep = max(spec.machines[m].reserve, spec.machines[m].granule)
        guard pool > keep else { continue }
        trial.machines[m].memory -= pool - keep
        if Compiler.compile(trial).0 != nil { squeezed = trial }
    }
    return squeezed
}

extension Array where Element: Hashable {
    /// The elements without repeats, in first-seen order.
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}

private func example(_ name: String) throws -> Spec {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/\(name)")
    let (spec, diagnostics) = SpecLoader.load(Array(try Data(contentsOf: url)))
    #expect(!diagnostics.hasErrors)
    return try #require(spec)
}

/// A value two machines read through one anchor is not offered as a place to
/// edit: the report says to set it on the machine alone.
@Suite struct SharedAnchorSpareTests {
    static let text = """
        version: 1
        machines:
          - &base
            name: a
            memory: 8Gi
            monitor: 1Gi
            oses:
              - {name: x, role: active, memory: 2Gi, kernel: 1Gi, standby: s, jobs: [{name: j, memory: 1Gi, hot_standby: true}]}
              - {name: s, role: standby, memory: 1Gi, kernel: 1Gi}
          - <<: *base
            name: b

        """

    @Test func theSpareListSaysTheValueIsShared() throws {
        let (spec, diagnostics) = SpecLoader.load(Array(Self.text.utf8))
        #expect(!diagnostics.hasErrors)
        let loaded = try #require(spec)
        let compiled = try #require(Compiler.compile(loaded).0)
        let shared = compiled.spec.sharedSizeLocations()
        let location = try #require(compiled.spec.machines[0].memoryLocation)
        #expect(shared.contains(location))
        var text = ""
        PlanRenderer.render(
            Planner.plan(compiled), compiled: compiled, format: .text, unit: .auto, path: "spec.yaml", to: &text)
        #expect(text.contains("memory to spare"))
        #expect(text.contains("memory 8 GiB → 5 GiB (spec.yaml:5:13, an anchor other entries read: set it on this machine alone, as `standby fix` does)"), "\(text)")
        // A value no other entry reads is located plainly.
        let single = Self.text.replacingOccurrences(of: "  - <<: *base\n    name: b\n", with: "")
        let alone = try #require(SpecLoader.load(Array(single.utf8)).0)
        #expect(alone.sharedSizeLocations().isEmpty)
    }
}
