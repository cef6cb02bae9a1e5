import Testing

@testable import StandbyKit

/// A fleet of `count` machines, each an active whose hot-standby job needs a
/// copy of `copy` MiB on a standby of 32 MiB (all kernel), with `pool` MiB
/// left in the pool after start-up.
private func fleet(_ count: Int, copy: Int, pool: Int = 0) -> String {
    var text = "version: 1\nmachines:\n"
    for m in 0..<count {
        text += """
              - name: machine-\(m)
                memory: \(32 + 64 + 32 + pool)Mi
                monitor: 32Mi
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 32Mi, hot_standby: true, standby_memory: \(copy)Mi}]}
                  - {name: s, role: standby, memory: 32Mi, kernel: 32Mi}

            """
    }
    return text
}

private func planned(_ text: String) throws -> (Spec, Plan) {
    let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "f.yaml", bytes: Array(text.utf8)))
    #expect(!diagnostics.hasErrors, "\(diagnostics.all.prefix(3).map(\.message))")
    let c = try #require(compiled)
    return (c.spec, Planner.plan(c, faults: [.os, .job]))
}

@Suite struct PlanDiffTests {
    /// Every machine of a large fleet regresses: the Markdown for a pull
    /// request still fits a comment, leads with the verdict, and says how
    /// many machines it left out.
    @Test func markdownOfALargeRegressionFitsAComment() throws {
        let (oldSpec, oldPlan) = try planned(fleet(600, copy: 32))
        let (newSpec, newPlan) = try planned(fleet(600, copy: 48))
        let diff = PlanDiff(old: oldPlan, oldSpec: oldSpec, new: newPlan, newSpec: newSpec)
        #expect(diff.machines.count == 600)
        #expect(diff.regressions > 0)
        var markdown = ""
        DiffRenderer.render(diff, old: "a.yaml", new: "b.yaml", format: .markdown, to: &markdown)
        #expect(markdown.utf8.count < 65_536)
        #expect(markdown.hasPrefix("### standby: **regression: "))
        let shown = markdown.split(separator: "\n").filter { $0.hasPrefix("| machine-") }.count
        #expect(shown > 0 && shown < 600)
        #expect(markdown.contains("\(600 - shown) more machines left out to fit a comment"))
    }

    /// The figures and cases of a machine that did not change are not listed;
    /// a machine's growing copy is, with its standby's minimum.
    @Test func onlyMachinesThatChangeAreListed() throws {
        let (oldSpec, oldPlan) = try planned(fleet(3, copy: 32))
        let (sameSpec, samePlan) = try planned(fleet(3, copy: 32))
        #expect(PlanDiff(old: oldPlan, oldSpec: oldSpec, new: samePlan, newSpec: sameSpec).isEmpty)

        let grown = fleet(3, copy: 32).replacingOccurrences(
            of: "machine-2\n    memory: 128Mi", with: "machine-2\n    memory: 256Mi")
        let (grownSpec, grownPlan) = try planned(grown)
        let diff = PlanDiff(old: oldPlan, oldSpec: oldSpec, new: grownPlan, newSpec: grownSpec)
        #expect(diff.machines.map(\.name) == ["machine-2"])
        #expect(diff.machines.first?.values.map(\.path) == ["machines/machine-2/memory"])
        #expect(diff.regressions == 0)
    }
}
