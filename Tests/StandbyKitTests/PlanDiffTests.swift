import Foundation
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
        #expect(markdown.hasPrefix("## standby: **regression: "))
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

    /// The installed memory is a figure of its own: 8 GiB taken out of a
    /// machine shows on the machine and in the fleet's totals.
    @Test func installedMemoryIsCompared() throws {
        let old = fleet(3, copy: 32, pool: 8192)
        let new = old.replacingOccurrences(
            of: "machine-2\n    memory: 8320Mi", with: "machine-2\n    memory: 128Mi")
        #expect(new != old)
        let (oldSpec, oldPlan) = try planned(old)
        let (newSpec, newPlan) = try planned(new)
        let diff = PlanDiff(old: oldPlan, oldSpec: oldSpec, new: newPlan, newSpec: newSpec)
        #expect(diff.machines.map(\.name) == ["machine-2"])
        #expect(diff.machines.first?.figures.first { $0.key == "memory_bytes" }?.figure
            == PlanDiff.Figure(before: 8320 << 20, after: 128 << 20))
        #expect(diff.memory == PlanDiff.Figure(before: 3 * 8320 << 20, after: (2 * 8320 + 128) << 20))
        var text = ""
        DiffRenderer.render(diff, old: "a.yaml", new: "b.yaml", format: .text, to: &text)
        #expect(!text.contains("totals unchanged"))
        #expect(text.contains("\n  memory 8.1 GiB → 0.1 GiB (−8.0 GiB)\n"))
        #expect(text.contains("\nfleet\n  memory 24.4 GiB → 16.4 GiB (−8.0 GiB)\n"))
        var markdown = ""
        DiffRenderer.render(diff, old: "a.yaml", new: "b.yaml", format: .markdown, to: &markdown)
        #expect(markdown.contains("| memory | 24.4 GiB → 16.4 GiB (−8.0 GiB) |"))
        var json = ""
        DiffRenderer.render(diff, old: "a.yaml", new: "b.yaml", format: .json, to: &json)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let totals = try #require(document["totals"] as? [String: [String: Any]])
        #expect(totals["before"]?["memory_bytes"] as? Int == 3 * 8320 << 20)
        #expect(totals["after"]?["memory_bytes"] as? Int == (2 * 8320 + 128) << 20)
        let figures = (document["machines"] as? [[String: Any]])?.first?["figures"] as? [String: [String: Any]]
        #expect(figures?["memory_bytes"]?["before"] as? Int == 8320 << 20)
    }

    /// A change on 200 machines says 20 of them, then how many more: not 600 lines.
    @Test func aChangeOnManyMachinesIsCut() throws {
        let (oldSpec, oldPlan) = try planned(fleet(200, copy: 32))
        let (newSpec, newPlan) = try planned(fleet(200, copy: 48))
        let diff = PlanDiff(old: oldPlan, oldSpec: oldSpec, new: newPlan, newSpec: newSpec)
        #expect(diff.machines.count == 200)
        var text = ""
        DiffRenderer.render(diff, old: "a.yaml", new: "b.yaml", format: .text, to: &text)
        let sections = text.split(separator: "\n").filter { $0.hasPrefix("machine ") }
        #expect(sections.count == ListCap.lines)
        #expect(text.contains("\n… and 180 more machines changed: `--format json` lists every one\n"))
        #expect(text.split(separator: "\n").count < 200)
    }

    /// A machine's own lists stop at 20 lines each, and say how many more.
    @Test func aMachinesListsAreCut() throws {
        func spec(_ size: Int) -> String {
            var text = """
                version: 1
                machines:
                  - name: m
                    memory: 256Mi
                    monitor: 32Mi
                    oses:
                      - name: a
                        role: active
                        memory: 100Mi
                        kernel: 32Mi
                        jobs:

                """
            for j in 0..<30 { text += "          - {name: j\(j), memory: \(size)Mi}\n" }
            return text
        }
        let (oldSpec, oldPlan) = try planned(spec(1))
        let (newSpec, newPlan) = try planned(spec(2))
        let diff = PlanDiff(old: oldPlan, oldSpec: oldSpec, new: newPlan, newSpec: newSpec)
        #expect(diff.machines.first?.values.count == 30)
        var text = ""
        DiffRenderer.render(diff, old: "a.yaml", new: "b.yaml", format: .text, to: &text)
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("  spec: ") }.count == ListCap.lines)
        #expect(text.contains("\n  … and 10 more spec values changed: `--format json` lists every one\n"))
    }

    /// A Markdown row shows only the figures that changed.
    @Test func markdownRowsShowOnlyChangedFigures() throws {
        let (oldSpec, oldPlan) = try planned(fleet(3, copy: 32))
        let (newSpec, newPlan) = try planned(fleet(3, copy: 48))
        let diff = PlanDiff(old: oldPlan, oldSpec: oldSpec, new: newPlan, newSpec: newSpec)
        var markdown = ""
        DiffRenderer.render(diff, old: "a.yaml", new: "b.yaml", format: .markdown, to: &markdown)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| machine-") }
        #expect(rows.count == 3)
        for row in rows {
            #expect(!row.contains("(+0"), "\(row)")
            #expect(!row.contains("memory 128 MiB → 128 MiB"), "\(row)")
            #expect(!row.contains("duplicate total"), "\(row)")
            #expect(row.contains("static total"), "\(row)")
        }
    }

    /// A value left to its default in both specs is no spec change, though
    /// what it follows changed: a copy that follows its job's memory, a job's
    /// action that follows the policies.
    @Test func defaultsAreNoSpecChanges() throws {
        func spec(memory: Int, copy: String, policies: String = "") -> String {
            """
            version: 1
            \(policies)machines:
              - name: m
                memory: 512Mi
                monitor: 32Mi
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: \(memory)Mi, hot_standby: true\(copy)}]}
                  - {name: s, role: standby, memory: 128Mi, kernel: 32Mi}
            """
        }
        func values(_ old: String, _ new: String) throws -> [String] {
            let (oldSpec, oldPlan) = try planned(old)
            let (newSpec, newPlan) = try planned(new)
            let diff = PlanDiff(old: oldPlan, oldSpec: oldSpec, new: newPlan, newSpec: newSpec)
            return (diff.machines.flatMap(\.values) + diff.policies).map(\.path)
        }
        let job = "machines/m/oses/a/jobs/j"
        #expect(try values(spec(memory: 32, copy: ""), spec(memory: 48, copy: "")) == ["\(job)/memory"])
        #expect(
            try values(spec(memory: 32, copy: ""), spec(memory: 32, copy: ", standby_memory: 48Mi"))
                == ["\(job)/standby_memory"])
        #expect(
            try values(spec(memory: 32, copy: ", standby_memory: 48Mi"), spec(memory: 48, copy: ""))
                == ["\(job)/memory"])
        #expect(
            try values(spec(memory: 32, copy: ", standby_memory: 32Mi"), spec(memory: 48, copy: ""))
                == ["\(job)/memory", "\(job)/standby_memory"])
        let stop = "policies:\n  job_fault: {severe: stop}\n"
        #expect(try values(spec(memory: 32, copy: ""), spec(memory: 32, copy: "", policies: stop)) == ["policies/job_fault/severe"])
        #expect(
            try values(spec(memory: 32, copy: ""), spec(memory: 32, copy: ", policy: {severe: stop}"))
                == ["\(job)/policy/severe"])
    }

    /// A warning both specs have is kept once, in NEW; errors stay.
    @Test func aWarningBothSpecsHaveIsShownOnce() {
        var old = Diagnostics()
        old.warning("rounded-size", "rounded up to the granule", at: SourceLocation(line: 4, column: 3))
        old.warning("unused-standby", "standby 's' protects nothing", at: SourceLocation(line: 9, column: 3))
        old.error("unknown-key", "unknown key", at: SourceLocation(line: 2, column: 1))
        var new = Diagnostics()
        new.warning("rounded-size", "rounded up to the granule", at: SourceLocation(line: 5, column: 3))
        new.error("unknown-key", "unknown key", at: SourceLocation(line: 2, column: 1))
        let kept = old.withoutWarnings(in: new)
        #expect(kept.all.map(\.code.rawValue) == ["unused-standby", "unknown-key"])
    }

    /// Sizes in a change share one unit, with one decimal at most; nothing is 0.
    @Test func aChangeReadsInOneUnit() {
        let mi = 1 << 20
        #expect(DiffRenderer.change(.init(before: 27008 * mi, after: 19 * 1024 * mi), unit: .auto) == "26.4 GiB → 19.0 GiB (−7.4 GiB)")
        #expect(DiffRenderer.change(.init(before: 32 * mi, after: 0), unit: .auto) == "32 MiB → 0 (−32 MiB)")
        // 8 GiB out of 3.4 TiB: the change shows in GiB, as the plan's rule keeps values apart.
        #expect(
            DiffRenderer.change(.init(before: 3_596_800 * mi, after: 3_596_800 * mi - 8192 * mi), unit: .auto)
                == "3512.5 GiB → 3504.5 GiB (−8.0 GiB)")
        #expect(DiffRenderer.change(.init(before: 3 << 40, after: 4 << 40), unit: .auto) == "3 TiB → 4 TiB (+1 TiB)")
        #expect(DiffRenderer.change(.init(before: 32 * mi, after: 64 * mi), unit: .TiB) == "<0.1 TiB → <0.1 TiB (+<0.1 TiB)")
        #expect(DiffRenderer.change(.init(before: nil, after: 64 * mi), unit: .auto) == "none → 64 MiB")
    }
}
