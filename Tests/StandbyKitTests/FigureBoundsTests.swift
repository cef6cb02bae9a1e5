import PropertyBased
import Synchronization
import Testing

@testable import StandbyKit

/// Specs whose sizes come near 2^63 bytes: the compiler either rejects them
/// with `total-too-large`, or every figure fits and the planner (whose sums
/// trap on overflow) plans them, equal to the rules.
@Suite struct FigureBoundsTests {
    /// The fluid total keeps the machine's `reserve` in the pool: a reserve
    /// as large as a machine whose OSes fill it would take the total past
    /// 2^63−1, so the spec is rejected with `total-too-large`, not planned.
    @Test func aReserveAsLargeAsTheMachineIsBounded() {
        let ei = 1 << 60
        let spec = Spec(
            version: 1, policies: Policies(),
            machines: [
                Machine(
                    name: "huge", memory: 6 * ei, monitor: 1 << 30, reserve: 5 * ei,
                    oses: [
                        OS(name: "a", role: .active, memory: 5 * ei, kernel: 1 << 30),
                        OS(name: "s", role: .standby, memory: 1 << 30, kernel: 1 << 30),
                    ])
            ])
        let (compiled, diagnostics) = Compiler.compile(spec)
        #expect(compiled == nil || diagnostics.hasErrors)
        #expect(diagnostics.all.contains { $0.code == .totalTooLarge })
    }

    /// `spec` with every size multiplied by `k` (checked: `nil` past 2^63−1).
    static func scaled(_ spec: Spec, by k: Int) -> Spec? {
        func times(_ size: Int) -> Int? {
            let (product, overflow) = size.multipliedReportingOverflow(by: k)
            return overflow ? nil : product
        }
        var spec = spec
        for m in spec.machines.indices {
            var machine = spec.machines[m]
            guard let memory = times(machine.memory), let monitor = times(machine.monitor),
                let granule = times(machine.granule), let reserve = times(machine.reserve)
            else { return nil }
            machine.memory = memory
            machine.monitor = monitor
            machine.granule = granule
            machine.reserve = reserve
            for o in machine.oses.indices {
                guard let memory = times(machine.oses[o].memory), let kernel = times(machine.oses[o].kernel) else {
                    return nil
                }
                machine.oses[o].memory = memory
                machine.oses[o].kernel = kernel
                for j in machine.oses[o].jobs.indices {
                    guard let memory = times(machine.oses[o].jobs[j].memory),
                        let copy = times(machine.oses[o].jobs[j].standbyMemory)
                    else { return nil }
                    machine.oses[o].jobs[j].memory = memory
                    machine.oses[o].jobs[j].standbyMemory = copy
                }
            }
            spec.machines[m] = machine
        }
        return spec
    }

    @Test func specsNear8EiBAreRejectedOrPlannedExactly() async {
        let outcomes = Mutex<Set<String>>([])
        await propertyCheck(count: 300, input: RandomSpec.generator()) { spec in
            // The largest machine scaled to between 2^60 and 2^63 bytes.
            let largest = spec.machines.map(\.memory).max() ?? 1
            let k = max(1, (1 << Int.random(in: 60...62)) / largest * Int.random(in: 1...2))
            guard let big = Self.scaled(spec, by: k) else { return }
            let (compiled, diagnostics) = Compiler.compile(big)
            guard let compiled else {
                // Scaling keeps every other check as it was: only the bound can fail.
                #expect(diagnostics.all.allSatisfy { $0.code == .totalTooLarge }, "\(diagnostics.all.map(\.code))")
                outcomes.withLock { _ = $0.insert("rejected") }
                return
            }
            let plan = Planner.plan(compiled, faults: FaultKind.allCases)
            EngineMatchesRulesTests.expectEqual(plan, FigureRules.plan(compiled, faults: FaultKind.allCases), "scaled")
            #expect(plan.totals.fluidTotal >= 0 && plan.totals.duplicateTotal >= 0 && plan.totals.staticTotal >= 0)
            outcomes.withLock { _ = $0.insert(plan.totals.fluidTotal > 1 << 61 ? "planned past 2^61" : "planned") }
        }
        #expect(outcomes.withLock { $0 } == ["rejected", "planned", "planned past 2^61"])
    }
}
