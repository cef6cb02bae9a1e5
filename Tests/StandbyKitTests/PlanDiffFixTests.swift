import Foundation
import Testing

@testable import StandbyKit

/// A fleet of `count` machines as `PlanDiffTests` builds it, with machine
/// `grown`'s copy of `copy` MiB (the others' 32 MiB).
private func fleet(_ count: Int, grown: Int, copy: Int) -> String {
    var text = "version: 1\nmachines:\n"
    for m in 0..<count {
        text += """
              - name: machine-\(m)
                memory: 128Mi
                monitor: 32Mi
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 32Mi, hot_standby: true, standby_memory: \(m == grown ? copy : 32)Mi}]}
                  - {name: s, role: standby, memory: 32Mi, kernel: 32Mi}

            """
    }
    return text
}

private func compiled(_ text: String) throws -> CompiledSpec {
    let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "f.yaml", bytes: Array(text.utf8)))
    #expect(!diagnostics.hasErrors, "\(diagnostics.all.prefix(3).map(\.message))")
    return try #require(compiled)
}

/// The diff of OLD to NEW with NEW's fix, as `standby diff` makes it.
private func diff(_ old: String, _ new: String, faults: [FaultKind] = [.os, .job]) throws -> (PlanDiff, CompiledSpec) {
    let before = try compiled(old)
    let after = try compiled(new)
    let (figures, plan) = Planner.planWithFigures(after, faults: faults)
    let fix = figures.covered ? nil : LeastMemory.fix(figures, compiled: after).map { PlanFix(advice: $0, path: "new.yaml") }
    let diff = PlanDiff(
        old: Planner.plan(before, faults: faults), oldSpec: before.spec, new: plan, newSpec: after.spec, fix: fix)
    return (diff, after)
}

private func planned(_ spec: Spec, faults: [FaultKind] = [.os, .job]) throws -> Plan {
    #expect(!Validator.validate(spec).hasErrors)
    let (compiled, diagnostics) = Compiler.compile(spec)
    #expect(!diagnostics.hasErrors)
    return Planner.plan(try #require(compiled), faults: faults)
}

@Suite struct PlanDiffFixTests {
    /// A machine newly short gets NEW's least-memory fix: applied to NEW, no
    /// case is short any more, and one granule less on that machine is short
    /// again.
    @Test func aRegressionCarriesTheLeastMemoryThatFixesIt() throws {
        let (diff, after) = try diff(fleet(3, grown: 1, copy: 32), fleet(3, grown: 1, copy: 64))
        #expect(diff.regressions > 0)
        let machine = try #require(diff.machines.first { $0.name == "machine-1" })
        let change = try #require(machine.fix)
        #expect(diff.machines.filter { $0.fix != nil }.map(\.name) == ["machine-1"])
        let edit = try #require(change.edits.last)
        #expect(edit.target == "machines/machine-1/memory" && edit.from == 128 << 20 && edit.to > edit.from)

        let fixed = Advice.Edit.apply(change.edits, to: after.spec)
        #expect(try planned(fixed).cases.allSatisfy { $0.shortfall == 0 })

        var less = fixed
        less.machines[1].memory -= less.machines[1].granule
        #expect(try planned(less).cases.contains { $0.shortfall > 0 && $0.machine == "machine-1" })
    }

    /// The JSON gives the fix in the shape, and with the figures, of the
    /// plan's JSON of NEW (`machines[].fix[]`).
    @Test func theJSONFixIsThePlansFix() throws {
        let new = fleet(3, grown: 1, copy: 64)
        let (diff, after) = try diff(fleet(3, grown: 1, copy: 32), new)
        var json = ""
        DiffRenderer.render(diff, old: "old.yaml", new: "new.yaml", format: .json, to: &json)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let machines = try #require(document["machines"] as? [[String: Any]])
        let diffFix = try #require(machines.first { $0["name"] as? String == "machine-1" }?["fix"] as? [[String: Any]])

        let figures = Planner.figures(after, faults: [.os, .job])
        let fix = LeastMemory.fix(figures, compiled: after).map { PlanFix(advice: $0, path: "new.yaml") }
        var plan = ""
        PlanRenderer.render(
            figures, compiled: after, format: .json, unit: .auto, fix: fix, detail: nil, path: "new.yaml",
            tolerance: nil, to: &plan)
        let planDocument = try #require(try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [String: Any])
        let planMachines = try #require(planDocument["machines"] as? [[String: Any]])
        let planFix = try #require(planMachines.first { $0["name"] as? String == "machine-1" }?["fix"] as? [[String: Any]])
        #expect(!diffFix.isEmpty)
        #expect((diffFix as NSArray).isEqual(to: planFix))
        #expect(Set(diffFix.first?.keys.map { $0 } ?? []) == ["column", "from_bytes", "line", "target", "to_bytes"])
    }

    /// The text says the fix under the case it covers.
    @Test func theTextSaysTheFix() throws {
        let (diff, _) = try diff(fleet(3, grown: 1, copy: 32), fleet(3, grown: 1, copy: 64))
        var text = ""
        DiffRenderer.render(diff, old: "old.yaml", new: "new.yaml", format: .text, to: &text)
        let edit = try #require(diff.machines.first { $0.name == "machine-1" }?.fix?.edits.last)
        let scale = Size.exactScale(for: [edit.from, edit.to])
        #expect(text.contains("\n  fix: memory \(scale.format(edit.from)) → \(scale.format(edit.to)) (new.yaml:"))
    }

    /// A covered NEW needs no fix, and none is shown.
    @Test func noRegressionNoFix() throws {
        let (diff, _) = try diff(fleet(3, grown: 1, copy: 64), fleet(3, grown: 1, copy: 32))
        #expect(diff.regressions == 0)
        #expect(diff.machines.allSatisfy { $0.fix == nil })
    }
}
