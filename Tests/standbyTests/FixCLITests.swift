import Foundation
import Testing

/// `standby fix` through the binary: what it writes, where, and its status.
@Suite struct FixCLI {
    @Test func theWorkedExampleGetsOnlyItsMemoryRaised() throws {
        let spec = CLI.path("examples/patent-fig4.yaml")
        let original = try String(contentsOfFile: spec, encoding: .utf8)
        let result = try CLI.run(["fix", spec])
        #expect(result.status == 0)
        #expect(result.out == original.replacingOccurrences(of: "    memory: 256Mi\n", with: "    memory: 384Mi\n"))
        #expect(result.out != original)
        #expect(result.err.contains("vms50: memory 256 MiB → 384 MiB ("))
        #expect(result.err.contains("covers the case short on it"))
        // The fixed spec plans covered.
        let plan = try CLI.run(["plan", "-"], stdin: result.stdout)
        #expect(plan.status == 0)
    }

    /// On a ring, a machine's raise is counted over the fleet: the cases
    /// short on it, other machines' copies among them.
    @Test func aRaiseCountsTheFleetsCasesShortOnTheMachine() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("ring.yaml")
        try String(contentsOfFile: CLI.path("examples/cross-machine.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "memory: 32Gi", with: "memory: 22Gi").write(to: spec, atomically: true, encoding: .utf8)
        let result = try CLI.run(["fix", spec.path])
        #expect(result.status == 2)
        #expect(result.err.contains("rack2: memory 22 GiB → 26 GiB ("))
        #expect(result.err.contains("covers the 5 cases short on it (4 of other machines); no memory covers 1 of its 11 cases"))
    }

    @Test func aDiffAndInPlace() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("spec.yaml")
        try FileManager.default.copyItem(atPath: CLI.path("examples/patent-fig4.yaml"), toPath: spec.path)
        let diff = try CLI.run(["fix", spec.path, "--format", "diff"])
        #expect(diff.status == 0)
        #expect(diff.out.contains("-    memory: 256Mi\n+    memory: 384Mi\n"))
        #expect(diff.out.hasPrefix("--- a/"))

        let before = try Data(contentsOf: spec)
        let inPlace = try CLI.run(["fix", "--in-place", spec.path])
        #expect(inPlace.status == 0)
        #expect(inPlace.out.isEmpty)
        let after = try String(contentsOf: spec, encoding: .utf8)
        #expect(after == String(decoding: before, as: UTF8.self).replacingOccurrences(of: "    memory: 256Mi\n", with: "    memory: 384Mi\n"))
        // Fixed once, nothing left to change.
        let again = try CLI.run(["fix", spec.path, "--format", "diff"])
        #expect(again.status == 0)
        #expect(again.out.isEmpty)
    }

    /// `--reclaim` writes the least layout: the cross-machine example's
    /// standbys at their floor and machines at their fluid totals (42 and 25
    /// GiB, worked out in docs/advice.md), every comment kept; planned again,
    /// it states the same fluid totals, has nothing to spare, and leaves no
    /// case short. `fix` alone lowers nothing.
    @Test func reclaimWritesTheLeastLayout() throws {
        let spec = CLI.path("examples/cross-machine.yaml")
        let original = try String(contentsOfFile: spec, encoding: .utf8)
        let plain = try CLI.run(["fix", spec, "--format", "diff"])
        #expect(plain.out.isEmpty, "fix alone lowers nothing")
        let result = try CLI.run(["fix", "--reclaim", spec])
        #expect(result.status == 2, "the machine cases no memory covers stay")
        #expect(result.err.contains("memory 48 GiB → 42 GiB"))
        #expect(result.err.contains("memory 32 GiB → 25 GiB"))
        #expect(result.err.contains("OS dr memory 4 GiB → 3 GiB"))
        let comments = original.split(separator: "\n").filter { $0.contains("#") }
        for line in comments { #expect(result.out.contains(line), "\(line) is gone") }
        let plan = try CLI.run(["plan", "-", "--format", "json"], stdin: result.stdout)
        let json = try #require(try JSONSerialization.jsonObject(with: plan.stdout) as? [String: Any])
        let machines = try #require(json["machines"] as? [[String: Any]])
        #expect(machines.map { $0["memory_bytes"] as? Int } == [42 << 30, 25 << 30])
        #expect(machines.map { $0["fluid_total_bytes"] as? Int } == [42 << 30, 25 << 30])
        #expect(machines.map { $0["spare_bytes"] as? Int } == [0, 0])
        #expect(machines.allSatisfy { ($0["reclaim"] as? [Any])?.isEmpty == true })
        let cases = machines.flatMap { $0["cases"] as? [[String: Any]] ?? [] }
        #expect(cases.allSatisfy { $0["shortfall_bytes"] as? Int == 0 })
    }

    /// A spec that needs nothing says so on standard error, and writes the
    /// spec unchanged.
    @Test func nothingToChangeIsSaid() throws {
        let spec = CLI.path("examples/shared-standby.yaml")
        let result = try CLI.run(["fix", spec])
        #expect(result.status == 0)
        #expect(result.out == (try String(contentsOfFile: spec, encoding: .utf8)))
        #expect(result.err == "standby: nothing to change: every job starts and every case is covered\n")
    }

    /// A fleet whose 25 machines all change says the first 20, then how
    /// many more; the written spec has every change.
    @Test func aFleetsChangesAreCapped() throws {
        var spec = "version: 1\nmachines:\n"
        for m in 0..<25 {
            spec += """
                  - name: vms\(m)
                    memory: 256Mi
                    monitor: 32Mi
                    oses:
                      - {name: active, role: active, memory: 160Mi, kernel: 32Mi, standby: standby, jobs: [{name: A, memory: 128Mi, hot_standby: true}, {name: B, memory: 32Mi}]}
                      - {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}

                """
        }
        let result = try CLI.run(["fix", "-"], stdin: Data(spec.utf8))
        #expect(result.status == 0, "\(result.err)")
        let lines = result.err.split(separator: "\n")
        #expect(lines.count == 21)
        #expect(lines.prefix(20).allSatisfy { $0.contains("memory 256 MiB → 384 MiB") })
        #expect(lines.last == "… and 5 more machines changed: the written spec has them all, and --format diff shows each")
        #expect(result.out.components(separatedBy: "memory: 384Mi").count - 1 == 25)
    }

    @Test func casesNoMemoryCoversExitTwoAndAreListed() throws {
        let result = try CLI.run(["fix", CLI.path("examples/cross-machine.yaml")])
        #expect(result.status == 2)
        #expect(result.err.contains("rack1/machine stays uncovered"))
    }

    @Test func aSpecWithSyntaxErrorsWritesNothing() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("fixed.yaml")
        let result = try CLI.run(["fix", "-", "-o", out.path], stdin: Data("version: 1\nmachines: [\n".utf8))
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(result.err.contains("<stdin>:"))
        // A spec over the size limit is refused with the file's own size, as by every command.
        let big = try CLI.run(["fix", CLI.path("examples/patent-fig4.yaml"), "--max-input-bytes", "100"])
        let size = try #require(try FileManager.default.attributesOfItem(atPath: CLI.path("examples/patent-fig4.yaml"))[.size] as? Int)
        #expect(big.status == 1)
        #expect(big.err.contains("the input is \(size) bytes, more than the limit of 100 bytes"))
    }

    @Test func inPlaceWithAnOutputIsAUsageError() throws {
        let result = try CLI.run(["fix", "--in-place", "-o", "x.yaml", CLI.path("examples/patent-fig4.yaml")])
        #expect(result.status == 64)
        // The spec as its own output is refused, and --in-place named.
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("spec.yaml")
        try FileManager.default.copyItem(atPath: CLI.path("examples/patent-fig4.yaml"), toPath: spec.path)
        let same = try CLI.run(["fix", spec.path, "-o", spec.path])
        #expect(same.status == 64)
        #expect(same.err.contains("--in-place"))
        #expect(try Data(contentsOf: spec) == Data(contentsOf: URL(fileURLWithPath: CLI.path("examples/patent-fig4.yaml"))))
        // A diff of an absolute path reads as git writes one: a/ and b/ before a relative path.
        let diff = try CLI.run(["fix", spec.path, "--format", "diff"])
        #expect(diff.out.hasPrefix("--- a/\(spec.path.drop(while: { $0 == "/" }))\n"))
    }

    /// `plan` shows the same edit `fix` makes, in every format but CSV.
    @Test func planShowsTheFixInEveryFormat() throws {
        let spec = CLI.path("examples/patent-fig4.yaml")
        let line = "vms50: memory 256 MiB → 384 MiB (\(spec):41:13) covers the case short on it"
        let fix = try CLI.run(["fix", spec])
        #expect(fix.err.contains(line))
        let text = try CLI.run(["plan", spec])
        #expect(text.status == 2)
        // The summary's line: the same edit, and the case it is short in.
        #expect(text.out.contains("\n  vms50: memory 256 MiB → 384 MiB (\(spec):41:13); vms50/memory/active is 128 MiB short\n"))
        let markdown = try CLI.run(["plan", spec, "--format", "markdown"])
        #expect(markdown.out.contains("- vms50: memory 256 MiB → 384 MiB ("))
        let html = try CLI.run(["plan", spec, "--format", "html"])
        #expect(html.out.contains("<li>vms50: memory 256 MiB → 384 MiB ("))
        let json = try CLI.run(["plan", spec, "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        let machine = (document?["machines"] as? [[String: Any]])?.first
        let edits = try #require(machine?["fix"] as? [[String: Any]])
        #expect(edits.count == 1)
        #expect(edits.first?["target"] as? String == "machines/vms50/memory")
        #expect(edits.first?["from_bytes"] as? Int == 256 << 20)
        #expect(edits.first?["to_bytes"] as? Int == 384 << 20)
        #expect(edits.first?["line"] as? Int == 41)
        #expect(edits.first?["column"] as? Int == 13)
        // A covered plan shows no fix.
        let covered = try CLI.run(["plan", "-"], stdin: fix.stdout)
        #expect(covered.status == 0)
        #expect(!covered.out.contains("fix"))
    }
}

/// What `fix` claims on standard error, and the patch it writes, against what it wrote.
@Suite struct FixClaims {
    /// A change is claimed only once it is written: not when `-o` is refused
    /// (the spec as its own output, 64) or fails (a folder that is not there, 74).
    @Test(arguments: ["spec", "missing"])
    func nothingIsClaimedWhenTheOutputIsNotWritten(_ how: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("spec.yaml").path
        try FileManager.default.copyItem(atPath: CLI.path("examples/patent-fig4.yaml"), toPath: spec)
        let output = how == "spec" ? spec : folder.appendingPathComponent("missing/fixed.yaml").path
        let r = try CLI.run(["fix", spec, "-o", output])
        #expect(r.status == (how == "spec" ? 64 : 74))
        #expect(!r.err.contains("covers"), "\(r.err)")
        #expect(!r.err.contains("→"), "\(r.err)")
        // The same run with a good output says it.
        let good = try CLI.run(["fix", spec, "-o", folder.appendingPathComponent("fixed.yaml").path])
        #expect(good.status == 0)
        #expect(good.err.contains("vms50: memory 256 MiB → 384 MiB ("))
        #expect(good.err.contains("covers the case short on it"))
    }

    /// An edit the editor leaves (a value from a flow-style anchor other
    /// machines share) is not claimed: only the warning with the value to set.
    @Test func anEditLeftByTheEditorIsNotClaimed() throws {
        let text = """
            version: 1
            x-m: &m {memory: 256Mi, monitor: 32Mi}
            machines:
              - {<<: *m, name: a, oses: [{name: s, role: standby, memory: 32Mi, kernel: 32Mi}, {name: p, role: active, memory: 64Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 32Mi, hot_standby: true}]}]}
              - {<<: *m, name: b, oses: [{name: s, role: standby, memory: 32Mi, kernel: 32Mi}, {name: p, role: active, memory: 64Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 300Mi, hot_standby: true}]}]}

            """
        let r = try CLI.run(["fix", "-"], stdin: Data(text.utf8))
        #expect(r.status == 2, "\(r.err)")
        #expect(r.out == text)
        #expect(r.err.contains("standby: warning: machines/b/memory not written ("))
        #expect(!r.err.contains("covers"), "\(r.err)")
        #expect(!r.err.contains("b: memory"), "\(r.err)")
    }

    /// A machine written in part (its memory) with a value left (its
    /// standby's, an alias other machines read): the written value is said,
    /// without a claim of what it covers, and the left one is a warning.
    @Test func aMachineWrittenInPartClaimsNoCoverage() throws {
        let text = """
            version: 1
            policies:
              pool: false
            x-sb: &sb {name: s, role: standby, memory: 32Mi, kernel: 32Mi}
            machines:
              - name: a
                memory: 512Mi
                monitor: 32Mi
                oses:
                  - *sb
                  - {name: p, role: active, memory: 64Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 32Mi}]}
              - name: b
                memory: 256Mi
                monitor: 32Mi
                oses:
                  - *sb
                  - {name: p, role: active, memory: 400Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 300Mi, hot_standby: true}]}

            """
        let r = try CLI.run(["fix", "-"], stdin: Data(text.utf8))
        #expect(r.status == 2, "\(r.err)")
        #expect(!r.err.contains("covers"), "\(r.err)")
        #expect(r.err.contains("standby: warning: machines/b/oses/s/memory not written ("), "\(r.err)")
        let said = try #require(
            r.err.firstMatch(of: /b: memory 256 MiB → ([0-9]+) MiB \(<stdin>:13:13\) written; its cases are covered once the values below are set too\n/),
            "\(r.err)")
        #expect(r.out == text.replacingOccurrences(of: "    memory: 256Mi\n", with: "    memory: \(said.1)Mi\n"))
    }

    /// A spec name with a tab and a quote: the headers quote it as git does, and git applies it.
    @Test func anOddNameIsQuotedAsGitQuotesIt() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = "my\tspec \"1\".yaml"
        let spec = folder.appendingPathComponent(name)
        try FileManager.default.copyItem(atPath: CLI.path("examples/patent-fig4.yaml"), toPath: spec.path)
        let fixed = try CLI.run(["fix", name], cwd: folder)
        let diff = try CLI.run(["fix", name, "--format", "diff"], cwd: folder)
        #expect(diff.status == 0, "\(diff.err)")
        #expect(diff.out.hasPrefix("--- \"a/my\\tspec \\\"1\\\".yaml\"\n+++ \"b/my\\tspec \\\"1\\\".yaml\"\n"), "\(diff.out)")
        let applied = try CLI.run(program: "/usr/bin/git", ["apply", "-"], stdin: diff.stdout, cwd: folder)
        #expect(applied.status == 0, "\(applied.err)")
        #expect(try Data(contentsOf: spec) == fixed.stdout)
    }

    /// The diff of a spec with CR LF, lone CR or no final line break, applied
    /// with `git apply`, gives exactly the bytes `-o` writes.
    @Test(arguments: ["crlf", "cr", "noFinalBreak"])
    func theDiffAppliedGivesWhatOutputWrites(_ style: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: CLI.path("examples/patent-fig4.yaml"))))
        switch style {
        case "crlf": bytes = bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        case "cr": bytes = bytes.map { $0 == 0x0A ? 0x0D : $0 }
        default: while bytes.last == 0x0A { bytes.removeLast() }
        }
        let spec = folder.appendingPathComponent("spec.yaml")
        try Data(bytes).write(to: spec)
        let fixed = folder.appendingPathComponent("fixed.yaml")
        let written = try CLI.run(["fix", "spec.yaml", "-o", fixed.path], cwd: folder)
        #expect(written.status == 0, "\(written.err)")
        let diff = try CLI.run(["fix", "spec.yaml", "--format", "diff"], cwd: folder)
        #expect(diff.status == 0, "\(diff.err)")
        #expect(!diff.stdout.isEmpty)
        let applied = try CLI.run(program: "/usr/bin/git", ["apply", "-"], stdin: diff.stdout, cwd: folder)
        #expect(applied.status == 0, "\(applied.err)\n\(diff.out)")
        #expect(try Data(contentsOf: spec) == (try Data(contentsOf: fixed)))
        #expect(try Data(contentsOf: spec) != Data(bytes))
    }
}
