import Foundation
import Testing

/// `standby place` through the binary: the report, the written spec, the
/// exit statuses and the bad inputs.
@Suite struct PlaceCLI {
    static func json(_ r: CLI.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
    }

    /// The example of docs/placement.md: east's two actives send their copies
    /// to west, where nothing is handed over; placed beside them, the fleet
    /// needs 12 GiB less. The JSON has every field; the written spec names
    /// the new standbys, keeps every comment, and plans to the figures.
    @Test func theWorkedExample() throws {
        let spec = CLI.path("examples/placement.yaml")
        let text = try CLI.run(["place", spec])
        #expect(text.status == 0)
        #expect(text.out.hasPrefix("today:     fluid total 68 GiB, 0 cases no memory can cover\nplacement: fluid total 56 GiB"))
        #expect(text.out.contains("saves 12 GiB (17.6 %)\noptimal: "))
        #expect(text.out.contains("machines/east/oses/db/standby: west/spare-w → spare-e (\(spec):25:18)"))

        let report = try Self.json(try CLI.run(["place", spec, "--format", "json"]))
        #expect(report["status"] as? String == "optimal")
        #expect(report["fluid_total_bytes"] as? Int == 56 << 30)
        #expect(report["today_fluid_total_bytes"] as? Int == 68 << 30)
        #expect(report["lower_bound_bytes"] as? Int == 56 << 30)
        #expect((report["changes"] as? [[String: Any]])?.map { $0["to"] as? String } == ["spare-e", "spare-e"])

        let yaml = try CLI.run(["place", spec, "--format", "yaml"])
        #expect(yaml.status == 0)
        let original = try String(contentsOfFile: spec, encoding: .utf8)
        for line in original.split(separator: "\n") where line.contains("#") {
            let comment = line[line.firstIndex(of: "#")!...]
            #expect(yaml.out.contains(comment))
        }
        #expect(yaml.out.contains("        standby: spare-e      # where its hot-standby jobs fail over\n"))
        let plan = try Self.json(try CLI.run(["plan", "-", "--format", "json"], stdin: yaml.stdout))
        #expect((plan["totals"] as? [String: Any])?["fluid_total_bytes"] as? Int == 56 << 30)
        // Placed once, nothing is left to change.
        let again = try CLI.run(["place", "-"], stdin: yaml.stdout)
        #expect(again.out.contains("no reference changes"))
    }

    @Test func aDiffAndInPlace() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("spec.yaml")
        try FileManager.default.copyItem(atPath: CLI.path("examples/placement.yaml"), toPath: spec.path)
        let diff = try CLI.run(["place", spec.path, "--format", "diff"])
        #expect(diff.status == 0)
        #expect(diff.out.contains("-        standby: west/spare-w\n+        standby: spare-e\n"))
        #expect(diff.err.contains("standby: saves 12 GiB"))
        let inPlace = try CLI.run(["place", "--in-place", spec.path])
        #expect(inPlace.status == 0)
        #expect(inPlace.out.isEmpty)
        let after = try CLI.run(["place", spec.path, "--format", "diff"])
        #expect(after.out.isEmpty)
        let written = folder.appendingPathComponent("placed.yaml")
        let o = try CLI.run(["place", CLI.path("examples/placement.yaml"), "-o", written.path])
        #expect(o.status == 0)
        #expect(try Data(contentsOf: written) == (try Data(contentsOf: spec)))
    }

    /// Under `machine` faults a standby beside its active dies with it: the
    /// cross-machine example's two uncoverable machine cases go, for 8 GiB more,
    /// and the written spec, with its memory raised, covers every case.
    @Test func fewerUncoverableCasesComeFirst() throws {
        let spec = CLI.path("examples/cross-machine.yaml")
        let report = try Self.json(try CLI.run(["place", spec, "--format", "json"]))
        #expect(report["today_uncoverable_cases"] as? Int == 2)
        #expect(report["uncoverable_cases"] as? Int == 0)
        #expect(report["fluid_total_bytes"] as? Int == 75 << 30)
        let yaml = try CLI.run(["place", spec, "--format", "yaml"])
        #expect(yaml.status == 0)
        #expect(try CLI.run(["plan", "-"], stdin: yaml.stdout).status == 0)
    }

    /// A 60-machine fleet under every fault kind (each machine's actives name
    /// a standby beside them, so every `machine` case loses copies today):
    /// within `--time-limit 20`, the answer is never worse than today and its
    /// lower bound is at most its fluid total.
    @Test func aSixtyMachineFleet() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generated = try CLI.run(program: "/usr/bin/env", ["python3", CLI.path("benchmarks/gen_fleet.py"), "60", "4", "6"])
        let spec = generated.out.replacingOccurrences(
            of: "faults: [os, job, standby, memory]", with: "faults: [os, job, standby, memory, machine]")
        #expect(spec != generated.out)
        let r = try CLI.run(["place", "-", "--time-limit", "20", "--format", "json"], stdin: Data(spec.utf8))
        #expect(r.status == 0 || r.status == 2)
        let report = try Self.json(r)
        let fluid = try #require(report["fluid_total_bytes"] as? Int)
        let today = try #require(report["today_fluid_total_bytes"] as? Int)
        let uncoverable = try #require(report["uncoverable_cases"] as? Int)
        let todayUncoverable = try #require(report["today_uncoverable_cases"] as? Int)
        #expect(todayUncoverable == 60)
        #expect(uncoverable < todayUncoverable || (uncoverable == todayUncoverable && fluid <= today))
        #expect(try #require(report["lower_bound_bytes"] as? Int) <= fluid)
        #expect(["optimal", "best-found"].contains(report["status"] as? String))
    }

    @Test func badInput() throws {
        // No standby OS: nothing to choose.
        let noStandby = """
            version: 1
            machines:
              - name: m
                memory: 4Gi
                monitor: 1Gi
                oses:
                  - {name: a, role: active, memory: 2Gi, kernel: 1Gi, jobs: [{name: j, memory: 1Gi}]}

            """
        let none = try CLI.run(["place", "-"], stdin: Data(noStandby.utf8))
        #expect(none.status == 1)
        #expect(none.err == "standby: error: <stdin> has no standby OS, so there is no standby to choose; add an OS with 'role: standby'\n")
        #expect(none.out.isEmpty)
        // One active with one standby: today's is the only assignment.
        let one = try CLI.run(["place", CLI.path("examples/patent-fig4.yaml")])
        #expect(one.status == 0)
        #expect(one.out.contains("optimal: ") && one.out.contains("no reference changes: keep today's standbys"))
        for limit in ["0", "-1", "abc", "nan", "inf"] {
            let r = try CLI.run(["place", CLI.path("examples/placement.yaml"), "--time-limit=\(limit)"])
            #expect(r.status == 64, "--time-limit \(limit)")
            #expect(r.err.contains("--time-limit must be a number of seconds above 0"))
        }
        // A spec with errors: its diagnostics, status 1, nothing written.
        let broken = noStandby.replacingOccurrences(of: "jobs: [{name: j, memory: 1Gi}]", with: "standby: nowhere, jobs: [{name: j, memory: 1Gi, hot_standby: true}]")
        let errors = try CLI.run(["place", "-"], stdin: Data(broken.utf8))
        #expect(errors.status == 1)
        #expect(errors.err.contains("'nowhere' names no OS on machine 'm'"))
        #expect(errors.err.hasSuffix("standby: error: <stdin> has errors; nothing written\n"))
        #expect(errors.out.isEmpty)
        // Usage: --in-place with a report format, --reclaim without writing.
        #expect(try CLI.run(["place", CLI.path("examples/placement.yaml"), "--in-place", "--format", "json"]).status == 64)
        #expect(try CLI.run(["place", CLI.path("examples/placement.yaml"), "--reclaim"]).status == 64)
    }
}
