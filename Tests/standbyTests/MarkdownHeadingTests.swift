import Foundation
import Testing

/// Every Markdown report the tool writes on the examples has headings that
/// nest: the first is an H1 or an H2 (no H3 before the first H2), and none
/// is more than one level below the one before it. Headings inside fenced
/// code blocks are not headings.
@Suite struct MarkdownHeadings {
    /// The problems of a document's heading levels, one line each.
    static func problems(_ markdown: String) -> [String] {
        var problems: [String] = []
        var previous = 0
        var fenced = false
        for (i, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") { fenced.toggle() }
            guard !fenced else { continue }
            let hashes = line.prefix { $0 == "#" }.count
            guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { continue }
            if previous == 0 && hashes > 2 {
                problems.append("line \(i + 1): H\(hashes) before any H1 or H2: \(line)")
            } else if previous > 0 && hashes > previous + 1 {
                problems.append("line \(i + 1): H\(hashes) after H\(previous): \(line)")
            }
            previous = hashes
        }
        return problems
    }

    @Test func theCheckFindsWhatItLooksFor() {
        #expect(Self.problems("## a\n### b\n## c\n### d\n#### e\n") == [])
        #expect(Self.problems("intro\n### b\n## c\n").count == 1)
        #expect(Self.problems("## a\n#### b\n").count == 1)
        #expect(Self.problems("```\n### not a heading\n```\n## a\n") == [])
        #expect(Self.problems("#hashtag\n## a\n") == [])
    }

    static let examples = ["patent-fig4", "shared-standby", "cross-machine", "placement"].map { "examples/\($0).yaml" }

    /// Every command and option that changes a Markdown report's sections.
    static var runs: [[String]] {
        var runs: [[String]] = []
        for example in examples {
            let spec = CLI.path(example)
            for detail in ["summary", "machines", "cases"] {
                runs.append(["plan", spec, "--detail", detail])
                runs.append(["plan", spec, "--detail", detail, "--tolerate"])
            }
            runs.append(["plan", spec])
            runs.append(["compile", spec])
            runs.append(["compile", spec, "--states", "all"])
            runs.append(["tolerate", spec])
            runs.append(["place", spec])
            runs.append(["runway", spec, "--growth", "2%"])
            for detail in ["summary", "oses"] {
                runs.append(["headroom", spec, "--job", "256Mi", "--detail", detail])
                runs.append(["headroom", spec, "--job", "256Mi", "--hot", "--detail", detail])
            }
        }
        return runs
    }

    @Test(arguments: runs)
    func headingsNest(_ arguments: [String]) throws {
        let result = try CLI.run(arguments + ["--format", "markdown"])
        #expect([0, 2].contains(result.status), "\(arguments): \(result.err)")
        #expect(result.out.contains("## "), "\(arguments)")
        #expect(Self.problems(result.out) == [], "\(arguments)")
    }

    /// `plan --case` for a case of each kind the examples have.
    @Test(arguments: ["vms50/os/active", "vms50/job/A/severe", "vms50/standby/standby", "vms50/memory/active"])
    func aCaseHasHeadingsThatNest(_ id: String) throws {
        let result = try CLI.run(["plan", CLI.path("examples/patent-fig4.yaml"), "--case", id, "--format", "markdown"])
        #expect(result.out.hasPrefix("## Case "))
        #expect(Self.problems(result.out) == [])
    }

    /// `diff`'s comment, for a change, none and a regression.
    @Test func theDiffComment() throws {
        let old = CLI.path("examples/patent-fig4.yaml")
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let new = folder.appendingPathComponent("more.yaml")
        try String(contentsOfFile: old, encoding: .utf8).replacingOccurrences(of: "memory: 256Mi", with: "memory: 384Mi")
            .write(to: new, atomically: true, encoding: .utf8)
        for pair in [[old, old], [old, new.path], [new.path, old]] {
            let result = try CLI.run(["diff"] + pair + ["--format", "markdown"])
            #expect(result.out.hasPrefix("## standby: "))
            #expect(Self.problems(result.out) == [], "\(pair)")
        }
    }
}
