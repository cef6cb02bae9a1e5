import Foundation
import PropertyBased
import Testing

@testable import StandbyKit

/// The spec of `text`, decoded and validated (errors of start-up allowed: the
/// fix is for them too).
private func spec(_ text: String) throws -> Spec {
    let (spec, diagnostics) = SpecLoader.load(Array(text.utf8))
    #expect(!diagnostics.hasErrors, "\(diagnostics.all)")
    return try #require(spec)
}

private func example(_ name: String) throws -> Spec {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/\(name)")
    return try spec(String(decoding: try Data(contentsOf: url), as: UTF8.self))
}

private func fix(_ spec: Spec) throws -> Advice {
    switch LeastMemory.fix(spec) {
    case .success(let advice): return advice
    case .failure(let error):
        Issue.record("no fix: \(error.diagnostics.all.map(\.message))")
        throw error
    }
}

/// The plan of `spec`, or `nil` when it does not validate or compile.
private func plan(_ spec: Spec) -> Plan? {
    guard !Validator.validate(spec).hasErrors, let compiled = Compiler.compile(spec).0 else { return nil }
    return Planner.plan(compiled)
}

/// Whether a plan is short anywhere: some case's copies miss memory, or some
/// machine's pool after start-up is below the reserve `spec` sets aside.
private func isShort(_ plan: Plan, _ spec: Spec) -> Bool {
    plan.cases.contains { $0.shortfall > 0 } || !belowReserve(plan, spec).isEmpty
}

/// The machines whose pool after start-up is below their `reserve`.
private func belowReserve(_ plan: Plan, _ spec: Spec) -> Set<String> {
    Set(zip(plan.machines, spec.machines).filter { $0.pool < $1.reserve }.map(\.0.name))
}

/// A job larger than its machine (`db`): the check stops there, and `web`, which
/// then fits, would not once `db` starts.
private let eastText = """
        version: 1
        machines:
          - name: east
            memory: 8Gi
            monitor: 256Mi
            oses:
              - name: prod
                role: active
                memory: 2Gi
                kernel: 512Mi
                standby: backup
                jobs:
                  - {name: db, memory: 12Gi, hot_standby: true}
                  - {name: web, memory: 1GB}
              - name: backup
                role: standby
                memory: 1Gi
                kernel: 1Gi
        """

private let mebi = 1 << 20
private let gibi = 1 << 30

@Suite struct LeastMemoryTests {
    @Test func theWorkedExampleNeeds384MiB() throws {
        let advice = try fix(try example("patent-fig4.yaml"))
        #expect(advice.machines.map(\.machine) == ["vms50"])
        #expect(
            advice.machines.first?.edits
                == [.init(target: "machines/vms50/memory", machine: 0, os: nil, from: 256 * mebi, to: 384 * mebi, location: advice.original.machines[0].memoryLocation)])
        #expect(advice.machines.first?.cases == 7)
        #expect(advice.machines.first?.coveredCases == 7)
        #expect(advice.uncoverable.isEmpty)
        #expect(plan(advice.fixed)?.covered == true)
        #expect(advice.isProven)
    }

    /// A job larger than its machine: every job must start, and the fix is one
    /// change of the machine's memory that covers every case.
    @Test func aJobLargerThanItsMachine() throws {
        let east = try spec(eastText)
        #expect(Compiler.compile(east).0 == nil, "the spec as written does not start")
        let advice = try fix(east)
        #expect(advice.machines.map(\.machine) == ["east"])
        #expect(advice.machines.first?.edits.map(\.target) == ["machines/east/memory"])
        #expect(advice.isProven)
        #expect(advice.uncoverable.isEmpty)
        #expect(plan(advice.fixed)?.covered == true)
        // The least: start-up takes 10.5Gi + 954Mi from a pool of 4.75Gi, and the
        // memory case needs db's whole 12Gi copy from the pool afterwards.
        let web = Quantity.roundUp(1_000_000_000, to: mebi) ?? 0
        #expect(advice.fixed.machines[0].memory == 256 * mebi + 3 * gibi + (10 * gibi + gibi / 2 + web) + 12 * gibi)

        // validate says the same: the job that cannot start is told the fix's
        // memory (no reserve to lower: there is none), at the machine's memory.
        let (_, diagnostics) = Pipeline.compile(SourceFile(path: "east.yaml", bytes: Array(eastText.utf8)))
        let cannotStart = diagnostics.all.filter { $0.code == .jobCannotStart }
        #expect(cannotStart.count == 1)
        let note = try #require(cannotStart.first?.notes.last)
        // Old and new value in one unit, the one the fix's own sentence uses
        // (8 GiB alone would read 8 GiB, the new value only in MiB).
        let said = try #require(note.message.firstMatch(of: /from ([0-9.]+) ([KMGT]?i?B) to ([0-9.]+) ([KMGT]?i?B):/))
        #expect(said.2 == said.4, "\(note.message)")
        let sentence = try #require(advice.machines.first?.sentence(path: "east.yaml"))
        #expect(sentence.contains("memory \(said.1) \(said.2) → \(said.3) \(said.4) ("), "\(sentence) / \(note.message)")
        #expect(Quantity.parse("\(said.3)\(said.4.dropLast())") == .success(advice.fixed.machines[0].memory))
        #expect(!note.message.contains("reserve"))
        #expect(note.location == east.machines[0].memoryLocation)
    }

    /// A copy whose standby is on another machine is short on that machine's
    /// pool: the other machine changes, not the one where the fault happens.
    @Test func aCrossMachineShortfallIsFixedWhereTheStandbyRuns() throws {
        var cross = try example("cross-machine.yaml")
        // Leave rack2 no pool to speak of: api's 6Gi copy on dr then misses 5Gi there.
        cross.machines[1].memory -= 10 * gibi
        let before = try #require(plan(cross))
        #expect(before.cases.contains { $0.machine == "rack1" && $0.shortages.contains { $0.machine == "rack2" } })
        let advice = try fix(cross)
        #expect(advice.machines.map(\.machine) == ["rack2"])
        #expect(advice.isProven)
    }

    @Test func aSpecWithOtherErrorsIsNotFixed() throws {
        var broken = try example("patent-fig4.yaml")
        broken.machines[0].oses[0].standby = OSReference(os: "nowhere")
        guard case .failure(let error) = LeastMemory.fix(broken) else {
            Issue.record("fixed a spec whose standby names no OS")
            return
        }
        #expect(error.diagnostics.hasErrors)
    }

    /// Random specs with machines made too small in every way: overcommitted at
    /// boot, short at start-up, or short of pool at failover.
    @Test func fixedSpecsAreCoveredAndOneGranuleLessIsNot() async {
        await propertyCheck(count: 500, input: squeezedSpecs()) { spec in checkLeastMemory(spec) }
    }

    @Test(arguments: ["patent-fig4.yaml", "shared-standby.yaml", "cross-machine.yaml"])
    func everyExampleIsFixedLeast(_ name: String) throws {
        checkLeastMemory(try example(name))
    }
}

/// The fix of `spec` covers every case memory can cover, changes only sizes
/// and only on short machines (a pool after start-up below the reserve is
/// short too), never lowers one, and one granule less on any value it
/// changes is short again.
private func checkLeastMemory(_ spec: Spec) {
    let advice: Advice
    switch LeastMemory.fix(spec) {
    case .success(let a): advice = a
    case .failure(let error):
        Issue.record("no fix: \(error.diagnostics.all.map(\.message))")
        return
    }
    // Covered: every case that memory can cover is covered after the change.
    #expect(advice.isProven)
    // Planned again here, apart from the fix's own proof.
    guard let after = plan(advice.fixed) else {
        Issue.record("the fixed spec does not compile")
        return
    }
    for c in after.cases where c.unrecoverable.isEmpty { #expect(c.covered, "\(c.id)") }
    #expect(advice.uncoverable.map(\.id) == after.cases.filter { !$0.covered }.map(\.id))

    // Only sizes change, and none is lowered.
    var unsized = advice.fixed
    for m in unsized.machines.indices {
        #expect(advice.fixed.machines[m].memory >= spec.machines[m].memory)
        unsized.machines[m].memory = spec.machines[m].memory
        for o in unsized.machines[m].oses.indices {
            #expect(advice.fixed.machines[m].oses[o].memory >= spec.machines[m].oses[o].memory)
            #expect(spec.machines[m].oses[o].role == .standby || advice.fixed.machines[m].oses[o].memory == spec.machines[m].oses[o].memory)
            unsized.machines[m].oses[o].memory = spec.machines[m].oses[o].memory
        }
    }
    #expect(unsized == spec)

    // Only short machines change: when the spec as written starts, the
    // machines that change are exactly those whose pool or standbys
    // some case leaves short.
    if let before = plan(spec) {
        let short = Set(before.cases.flatMap { $0.shortages.map(\.machine) }).union(belowReserve(before, spec))
        #expect(Set(advice.machines.map(\.machine)) == short)
        // What each change says it covers: the fleet's cases short on its
        // machine, other machines' among them, counted from the plan.
        for change in advice.machines {
            let shortOn = before.cases.filter { $0.shortages.contains { $0.machine == change.machine } }
            #expect(change.shortCases == shortOn.count, "\(change.machine)")
            #expect(change.othersShortCases == shortOn.filter { $0.machine != change.machine }.count, "\(change.machine)")
        }
    }

    // The least: one granule less on any changed value is short again.
    for change in advice.machines {
        let m = change.index
        let g = spec.machines[m].granule
        var less = advice.fixed
        if less.machines[m].memory != spec.machines[m].memory {
            less.machines[m].memory -= g
            if let p = plan(less) { #expect(isShort(p, less), "\(change.machine) memory - \(g)") }
        }
        for o in less.machines[m].oses.indices where advice.fixed.machines[m].oses[o].memory != spec.machines[m].oses[o].memory {
            var lessOS = advice.fixed
            lessOS.machines[m].oses[o].memory -= g
            if let p = plan(lessOS) { #expect(isShort(p, lessOS), "\(change.machine)/\(less.machines[m].oses[o].name) - \(g)") }
        }
    }
}

/// Random specs, squeezed.
private func squeezedSpecs() -> Generator<Spec, Shrink.None<Spec>> {
    Generator { rng in squeezedRandomSpec(using: &rng) }
}

func squeezedRandomSpec<R: RandomNumberGenerator>(using rng: inout R) -> Spec {
    let spec = RandomSpec.make(using: &rng)
    return squeezed(spec, &rng)
}

/// `spec` with some machines' memory cut: to the monitor and allocations
/// exactly (start-up may fail), one granule below (overcommitted), or a few
/// granules below what it had (failover may be short).
private func squeezed<R: RandomNumberGenerator>(_ spec: Spec, _ rng: inout R) -> Spec {
    var spec = spec
    for m in spec.machines.indices {
        let machine = spec.machines[m]
        let allocations = machine.oses.reduce(machine.monitor) { $0 + $1.memory }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: break
        case 1: spec.machines[m].memory = allocations
        case 2: spec.machines[m].memory = max(machine.monitor, allocations - machine.granule)
        default:
            let cut = Int.random(in: 0...8, using: &rng) * machine.granule
            spec.machines[m].memory = max(allocations, machine.memory - cut)
        }
    }
    return spec
}
