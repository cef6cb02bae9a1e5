import Foundation
import Testing

/// `standby diff` through the binary.
@Suite struct DiffCLI {
    /// The worked example, with `A`'s copy grown from 128 MiB to 160 MiB: its
    /// standby, at 32 MiB with nothing free, cannot find the extra 32 MiB when
    /// `A` alone fails over (the pool is empty after start-up).
    static func grown(_ folder: URL) throws -> (old: String, new: String, line: Int, column: Int) {
        let old = CLI.path("examples/patent-fig4.yaml")
        let text = try String(contentsOfFile: old, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("standby_memory: 128Mi") }) + 1
        let column = try #require(lines[line - 1].range(of: "128Mi")).lowerBound.utf16Offset(in: lines[line - 1]) + 1
        let new = folder.appendingPathComponent("new.yaml")
        try text.replacingOccurrences(of: "standby_memory: 128Mi", with: "standby_memory: 160Mi")
            .write(to: new, atomically: true, encoding: .utf8)
        return (old, new.path, line, column)
    }

    @Test func aGrownCopyIsARegressionLocatedInNew() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (old, new, line, column) = try Self.grown(folder)
        let result = try CLI.run(["diff", old, new])
        #expect(result.status == 3)
        #expect(result.out.contains("regression: 1 case newly uncovered"))
        #expect(result.out.contains("newly uncovered: vms50/job/A/severe: 32 MiB short on vms50"))
        #expect(result.out.contains("standby_memory 128Mi → 160Mi (\(new):\(line):\(column))"))

        let json = try CLI.run(["diff", old, new, "--format", "json"])
        #expect(json.status == 3)
        let document = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect(document?["regression"] as? Bool == true)
        let machines = document?["machines"] as? [[String: Any]]
        let uncovered = machines?.first?["newly_uncovered"] as? [[String: Any]]
        #expect(uncovered?.first?["id"] as? String == "vms50/job/A/severe")
        let changes = machines?.first?["spec_changes"] as? [[String: Any]]
        #expect(changes?.first?["line"] as? Int == line)
        #expect(changes?.first?["column"] as? Int == column)
    }

    @Test func theReverseDiffReportsTheCaseNewlyCovered() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (old, new, _, _) = try Self.grown(folder)
        let result = try CLI.run(["diff", new, old])
        #expect(result.status == 0)
        #expect(result.out.contains("no case newly uncovered; 1 case newly covered"))
        #expect(result.out.contains("newly covered: vms50/job/A/severe"))
    }

    @Test func aSpecAgainstItselfSaysNothingChanged() throws {
        let spec = CLI.path("examples/cross-machine.yaml")
        let result = try CLI.run(["diff", spec, "-"], stdin: try Data(contentsOf: URL(fileURLWithPath: spec)))
        #expect(result.status == 0)
        #expect(result.out.contains("no change to the plan"))
        #expect(!result.out.contains("machine "))
    }

    @Test func machinesAddedAndRemovedAreReported() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: CLI.path("examples/cross-machine.yaml"), encoding: .utf8)
        // rack2 renamed: one machine removed, one added (rack1's reference follows it).
        let new = folder.appendingPathComponent("renamed.yaml")
        try text.replacingOccurrences(of: "rack2", with: "rack3").write(to: new, atomically: true, encoding: .utf8)
        let result = try CLI.run(["diff", CLI.path("examples/cross-machine.yaml"), new.path])
        #expect(result.out.contains("machine rack3 (added)"))
        #expect(result.out.contains("machine rack2 (removed)"))
        // Every case of the added machine is new, and its machine case loses the
        // jobs whose standby is on it: newly uncovered.
        #expect(result.status == 3)
    }

    @Test func aSpecWithErrorsOnEitherSideExitsOne() throws {
        let result = try CLI.run(["diff", CLI.path("examples/patent-fig4.yaml"), "-"], stdin: Data("version: 2\n".utf8))
        #expect(result.status == 1)
        #expect(result.err.contains("<stdin>:1:"))
    }

    @Test func markdownStartsWithTheVerdictAndStaysUnderACommentsSize() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (old, new, _, _) = try Self.grown(folder)
        let result = try CLI.run(["diff", old, new, "--format", "markdown"])
        #expect(result.out.hasPrefix("## standby: **regression: 1 case newly uncovered**"))
        #expect(result.out.utf8.count < 65_536)
    }

    /// SARIF for code scanning: one result on the job whose case is newly
    /// uncovered and one on the changed line of NEW, both with the fix; a
    /// regression exits 3.
    @Test func sarifPutsTheRegressionOnTheChangedLine() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (old, new, line, column) = try Self.grown(folder)
        let result = try CLI.run(["diff", old, new, "--format", "sarif"])
        #expect(result.status == 3)
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(document["version"] as? String == "2.1.0")
        let results = try #require((document["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["case-newly-uncovered", "change-uncovers-case"])
        func region(_ r: [String: Any]) -> (Int?, Int?) {
            let location = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            let region = location?["region"] as? [String: Any]
            return (region?["startLine"] as? Int, region?["startColumn"] as? Int)
        }
        #expect(region(results[1]) == (line, column))
        for r in results {
            let text = (r["message"] as? [String: Any])?["text"] as? String ?? ""
            #expect(text.contains("fix: vms50: memory 256 MiB → "), "\(text)")
        }
        // `-o x.sarif` means SARIF; the same spec twice has no result and exits 0.
        let same = try CLI.run(["diff", old, old, "-o", folder.appendingPathComponent("same.sarif").path])
        #expect(same.status == 0)
        let written = try Data(contentsOf: folder.appendingPathComponent("same.sarif"))
        let runs = (try JSONSerialization.jsonObject(with: written) as? [String: Any])?["runs"] as? [[String: Any]]
        #expect((runs?.first?["results"] as? [Any])?.isEmpty == true)
    }

    /// GitHub annotations: a path with `,` and `:` is escaped in the
    /// properties, and each finding is one line.
    @Test func githubAnnotationsEscapeThePath() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let odd = folder.appendingPathComponent("a,b:c")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
        let (old, new, line, column) = try Self.grown(odd)
        let result = try CLI.run(["diff", old, new, "--format", "github"])
        #expect(result.status == 3)
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("::error file=") && $0.contains("a%2Cb%3Ac/new.yaml") })
        #expect(lines.last?.contains(",line=\(line),col=\(column),title=change-uncovers-case::") == true)
    }

    /// A warning both specs have is shown once, at its place in NEW.
    @Test func aWarningOfBothSpecsIsShownOnce() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = CLI.path("Tests/StandbyKitTests/Fixtures/warnings/rounded-size.yaml")
        let text = try String(contentsOfFile: old, encoding: .utf8)
        let new = folder.appendingPathComponent("new.yaml")
        try ("# one more line\n" + text).write(to: new, atomically: true, encoding: .utf8)
        let result = try CLI.run(["diff", old, new.path])
        #expect(result.status == 0)
        let warnings = result.err.split(separator: "\n").filter { $0.contains("warning:") }
        #expect(warnings.count == 2, "\(result.err)")
        #expect(warnings.allSatisfy { $0.hasPrefix(new.path + ":") }, "\(result.err)")
    }
}
