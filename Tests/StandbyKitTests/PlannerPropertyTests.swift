import PropertyBased
import Testing

@testable import StandbyKit

/// The spec resized to the plan's own figures: every standby's allocation at
/// its minimum, and every machine's memory such that the pool after start-up
/// holds exactly the reserve minimum (less `lower` bytes on machine `lowered`).
///
/// A standby's `memory` is its boot allocation, and its resident jobs are
/// carved from it, so allocation = min(S) leaves it kernel + the extra it must
/// supply free after start-up, with no expansion. The actives are unchanged, so
/// they ask the pool for exactly what they asked before; the machine's memory
/// is the monitor, the new allocations, those expansions and the reserve
/// minimum. The reserve minimum is also written as the machine's `reserve`:
/// the pool shrinks monotonically at start-up and ends at the reserve, so
/// every expansion still fits above it.
private func resized(_ compiled: CompiledSpec, _ plan: Plan, lowering lowered: Int? = nil, by lower: Int = 0) -> Spec {
    var spec = compiled.spec
    for (m, cm) in compiled.machines.enumerated() {
        let figures = plan.machines[m]
        var machine = cm.machine
        for o in machine.oses.indices where machine.oses[o].role == .standby {
            if let minimum = figures.standbys.first(where: { $0.name == machine.oses[o].name })?.minimum {
                machine.oses[o].memory = minimum
            }
        }
        let expansions = cm.steps.filter { machine.oses[$0.os].role == .active }.reduce(0) { $0 + $1.expansion }
        let pool = figures.reserveMinimum - (m == lowered ? lower : 0)
        machine.reserve = pool
        machine.memory = machine.oses.reduce(machine.monitor + expansions + pool) { $0 + $1.memory }
        spec.machines[m] = machine
    }
    return spec
}

/// A case the reserve and the standby minimums are meant to cover: no job in it
/// is beyond any memory (with `pool: false` too: the standby minimums are
/// sized for every kind of case).
private func coverable(_ c: FaultCase, pool: Bool) -> Bool {
    c.unrecoverable.isEmpty
}

@Suite struct PlannerPropertyTests {
    @Test func standbysAtMinimumAndPoolAtReserveCoverEveryCoverableCase() async {
        await propertyCheck(count: 300, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let plan = Planner.plan(compiled)
            guard let tight = Compiler.compile(resized(compiled, plan)).0 else {
                Issue.record("the resized spec does not compile")
                return
            }
            let tightPlan = Planner.plan(tight)
            for (m, machine) in tightPlan.machines.enumerated() {
                #expect(machine.pool == plan.machines[m].reserveMinimum)
                // Resizing changes neither figure: both depend on what moves, not on the sizes.
                #expect(machine.reserveMinimum == plan.machines[m].reserveMinimum)
                #expect(machine.standbys.map(\.minimum) == plan.machines[m].standbys.map(\.minimum))
                #expect(machine.standbys.map(\.allocated) == machine.standbys.map(\.minimum))
            }
            for c in tightPlan.cases where spec.policies.pool || [.os, .job, .standby].contains(c.kind) {
                // Even where some job is beyond any memory, every other copy finds its memory.
                #expect(c.shortfall == 0, "\(c.id)")
                if coverable(c, pool: spec.policies.pool) { #expect(c.covered, "\(c.id)") }
            }
        }
    }

    @Test func aPoolOneGranuleBelowTheReserveMinimumLeavesACaseUncovered() async {
        await propertyCheck(count: 300, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let plan = Planner.plan(compiled)
            for (m, machine) in plan.machines.enumerated() where machine.reserveMinimum > 0 {
                let lower = min(compiled.machines[m].machine.granule, machine.reserveMinimum)
                guard let short = Compiler.compile(resized(compiled, plan, lowering: m, by: lower)).0 else {
                    Issue.record("the resized spec does not compile")
                    return
                }
                // The case may also lose jobs no memory brings back: the reserve
                // covers the rest of it, and now it is short on this machine.
                let uncovered = Planner.plan(short).cases.filter {
                    !$0.covered && $0.shortages.contains { $0.machine == machine.name && $0.shortfall > 0 }
                }
                #expect(!uncovered.isEmpty, "machine \(machine.name), reserve minimum \(machine.reserveMinimum)")
            }
        }
    }

    @Test func everyTableAfterACaseAddsUpToTheMachinesMemory() async {
        await propertyCheck(count: 150, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let plan = Planner.plan(compiled, faults: FaultKind.allCases)
            let tracer = CaseTracer(compiled)
            for c in plan.cases {
                guard let trace = tracer.trace(c) else {
                    Issue.record("no trace for \(c.id)")
                    continue
                }
                for table in trace.after + trace.before {
                    #expect(table.total == table.memory, "\(c.id): \(table.machine)")
                    #expect(table.regions.allSatisfy { $0.size >= 0 })
                }
                // The trace places the same copies and draws the same memory as the plan counts.
                var started: [String] = []
                var drawn = 0
                for event in trace.events {
                    if case .startCopy(_, _, let copy, _) = event { started.append(copy) }
                    if case .draw(_, _, let bytes) = event { drawn += bytes }
                }
                #expect(started.count == c.takenOver.count, "\(c.id)")
                #expect(drawn == c.poolDraw, "\(c.id)")
                #expect(c.covered == (c.kind == .standby || (c.shortfall == 0 && c.unrecoverable.isEmpty)))
            }
        }
    }

    /// The fluid layout never needs more than standbys sized for their
    /// copies, once the operator's `reserve` above the reserve minimum and the
    /// minimums' rounding to whole granules (a granule per standby and one for
    /// the pool, at most) are set aside.
    @Test func withoutMachineFaultsFluidNeverExceedsStatic() async {
        await propertyCheck(count: 300, input: RandomSpec.generator(RandomSpec.Shape(machineFaultRate: 0))) { spec in
            let plan = Planner.plan(RandomSpec.compile(spec))
            for (m, machine) in plan.machines.enumerated() {
                let written = spec.machines[m]
                let kept = max(0, written.reserve - machine.reserveMinimum)
                let rounding = written.granule * (machine.standbys.count + 1)
                #expect(machine.fluidTotal - kept <= machine.staticTotal + rounding, "\(machine.name)")
            }
        }
    }

    @Test func planningIsDeterministic() async {
        await propertyCheck(count: 200, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let kinds = spec.policies.faults
            let first = Planner.plan(compiled)
            #expect(first == Planner.plan(compiled))
            #expect(first == Planner.plan(compiled, faults: kinds.reversed() + kinds))
            #expect(first.faults == kinds)
        }
    }
}
