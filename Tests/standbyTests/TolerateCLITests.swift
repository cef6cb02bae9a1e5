import Foundation
import Testing

/// `standby tolerate` through the binary.
@Suite struct TolerateCLI {
    /// Two actives share a standby whose copies need 1 GiB more than is handed
    /// over; a third active releases 1 GiB. Each alone is covered; a and b
    /// together are 1 GiB short (ToleranceTests works it out by hand).
    static let shared = """
        version: 1
        policies:
          faults: [os]
        machines:
          - name: m
            memory: 11Gi
            monitor: 1Gi
            oses:
              - {name: a, role: active, memory: 3Gi, kernel: 1Gi, standby: s, jobs: [{name: a-j, memory: 2Gi, hot_standby: true, standby_memory: 3Gi}]}
              - {name: b, role: active, memory: 3Gi, kernel: 1Gi, standby: s, jobs: [{name: b-j, memory: 2Gi, hot_standby: true, standby_memory: 3Gi}]}
              - {name: s, role: standby, memory: 2Gi, kernel: 1Gi}
              - {name: c, role: active, memory: 2Gi, kernel: 1Gi, jobs: [{name: o, memory: 1Gi}]}

        """

    /// Without --kind, only the kinds the spec plans are checked: the worked
    /// example plans no machine faults, so nothing is said of them; a spec
    /// that plans neither says so; --kind asks anyway.
    @Test func onlyThePlannedKindsWithoutKind() throws {
        let example = CLI.path("examples/patent-fig4.yaml")
        let r = try CLI.run(["tolerate", example])
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("os faults: "))
        #expect(!r.out.contains("machine faults"))
        let asked = try CLI.run(["tolerate", example, "--kind", "machine"])
        #expect(asked.out.hasPrefix("machine faults: "))
        let spec = try String(contentsOfFile: example, encoding: .utf8)
            .replacingOccurrences(of: "  faults: [os, job, standby, memory]\n", with: "  faults: [job, standby]\n")
        let none = try CLI.run(["tolerate", "-"], stdin: Data(spec.utf8))
        #expect(none.status == 0)
        #expect(none.out == "no os or machine faults are planned (policies.faults), so none was checked; --kind asks anyway\n")
    }

    @Test func aSharedStandbySurvivesOneFaultNotTwo() throws {
        let r = try CLI.run(["tolerate", "-", "--kind", "os"], stdin: Data(Self.shared.utf8))
        #expect(r.status == 2)
        #expect(
            r.out == """
                os faults: every single fault is covered (checked up to 2)
                  first uncovered set of 2: m/os/a, m/os/b — 1 GiB short
                    m: 1 GiB short — its standbys lacked 1 GiB; its pool held 0 (0 of it released by these faults) and gave 0
                    m/s: its copies need 6 GiB; it had 1 GiB free and was handed 4 GiB; it lacked 1 GiB and drew 0; m/b-j could not start
                    would be covered by a pool of 1 GiB on m after start-up (machine memory +1 GiB)

                """)
        // With K = 1 every kind asked reaches K.
        let one = try CLI.run(["tolerate", "-", "--kind", "os", "--max-k", "1"], stdin: Data(Self.shared.utf8))
        #expect(one.status == 0)
        #expect(one.out == "os faults: every single fault is covered (checked up to 1)\n")
    }

    /// The cross-machine example plans both kinds: both are checked.
    @Test func bothKindsByDefault() throws {
        let r = try CLI.run(["tolerate", CLI.path("examples/cross-machine.yaml")])
        #expect(r.status == 2)
        let lines = r.out.split(separator: "\n")
        #expect(lines.first == "os faults: any 3 at once are covered (checked up to 3)")
        #expect(lines.contains("machine faults: a single fault is not covered (checked up to 1)"))
        let os = try CLI.run(["tolerate", CLI.path("examples/cross-machine.yaml"), "--kind", "os"])
        #expect(os.status == 0)
        #expect(!os.out.contains("machine faults"))
    }

    @Test func jsonAndMarkdown() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("t.json")
        // The spec plans `os` faults only: `machine` is asked for by name.
        let r = try CLI.run(["tolerate", "-", "-o", out.path, "--kind", "os", "--kind", "machine"], stdin: Data(Self.shared.utf8))
        #expect(r.status == 2)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        #expect(document["format_version"] as? String == "1.1")
        #expect(document["max_k"] as? Int == 3)
        let kinds = try #require(document["tolerance"] as? [[String: Any]])
        #expect(kinds.map { $0["kind"] as? String } == ["os", "machine"])
        #expect(kinds.map { $0["k"] as? Int } == [1, 0])
        let c = try #require(kinds[0]["counterexample"] as? [String: Any])
        #expect(c["cases"] as? [String] == ["m/os/a", "m/os/b"])
        #expect(c["shortfall_bytes"] as? Int == 1 << 30)

        let md = try CLI.run(["tolerate", "-", "--format", "markdown"], stdin: Data(Self.shared.utf8))
        #expect(md.status == 2)
        #expect(md.out.contains("| os | 1 | 2 | 3 | Every single fault is covered |"))
        #expect(md.out.contains("### OS faults: a set of 2 not covered"))
    }

    @Test(arguments: [["--max-k", "0"], ["--max-k", "9"], ["--max-sets", "0"], ["--max-sets", "100000001"], ["--kind", "job"]])
    func badOptionsAreUsageErrors(_ arguments: [String]) throws {
        let r = try CLI.run(["tolerate", CLI.path("examples/patent-fig4.yaml")] + arguments)
        #expect(r.status == 64)
        #expect(r.err.hasPrefix("standby: error: "))
        #expect(r.out.isEmpty)
    }

    @Test func aSpecWithErrorsExitsOne() throws {
        let r = try CLI.run(["tolerate", "-"], stdin: Data("version: 2\n".utf8))
        #expect(r.status == 1)
        #expect(r.err.contains("<stdin>:1:"))
        #expect(r.out.isEmpty)
        let json = try CLI.run(["tolerate", "-", "--diagnostics-format", "json"], stdin: Data("version: 2\n".utf8))
        #expect(json.status == 1)
        #expect((try? JSONSerialization.jsonObject(with: json.stderr)) != nil)
    }

    @Test func aLimitOfExaminedSetsIsSaid() throws {
        // 40 actives on one standby with 2 MiB free, each asking 1 MiB beyond what
        // it hands over, and an empty pool: any 2 fit, 3 do not. The search needs
        // a few sets for size 3; a limit of 1 stops it there.
        var yaml = "version: 1\nmachines:\n  - name: hub\n    memory: 84Mi\n    monitor: 1Mi\n    oses:\n"
        for i in 0..<40 {
            yaml +=
                "      - {name: a\(i), role: active, memory: 2Mi, kernel: 1Mi, standby: s, "
                + "jobs: [{name: h\(i), memory: 1Mi, hot_standby: true, standby_memory: 2Mi}]}\n"
        }
        yaml += "      - {name: s, role: standby, memory: 3Mi, kernel: 1Mi}\n"
        let full = try CLI.run(["tolerate", "-", "--kind", "os"], stdin: Data(yaml.utf8))
        #expect(full.out.hasPrefix("os faults: any 2 at once are covered (checked up to 3)\n"))
        let cut = try CLI.run(["tolerate", "-", "--kind", "os", "--max-sets", "1"], stdin: Data(yaml.utf8))
        #expect(cut.status == 2)
        #expect(
            cut.out == "os faults: any 2 at once are covered; not every set of 3 was checked (the search stopped at its "
                + "limit of 1 examined set; --max-sets raises it) (checked up to 2)\n")
    }
}
