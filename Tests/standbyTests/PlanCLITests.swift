import Foundation
import Testing

@Suite struct PlanCLI {
    /// `--tolerate` puts tolerate's answers in the summary, as `tolerate` gives them.
    @Test func tolerateAddsFaultsAtOnceToTheSummary() throws {
        let spec = CLI.path("examples/cross-machine.yaml")
        let text = try CLI.run(["plan", spec, "--tolerate"])
        #expect(text.status == 2)
        let tolerate = try CLI.run(["tolerate", spec])
        let answers = tolerate.out.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(answers.count == 2)
        for answer in answers { #expect(text.out.contains("\n  \(answer)"), "\(answer)") }
        // Before the other lists: the summary leads with it.
        let at = try #require(text.out.range(of: "faults at once ("))
        let spare = try #require(text.out.range(of: "memory to spare ("))
        #expect(at.lowerBound < spare.lowerBound)
        let html = try CLI.run(["plan", spec, "--tolerate", "--format", "html"])
        #expect(html.out.contains("<h2>Faults at once</h2>"))
        #expect(html.out.contains("<li>machine faults: a single fault is not covered"))
        // A command the sentence names is code on the page, as in Markdown.
        #expect(html.out.contains("<code>standby tolerate</code> explains"))
        #expect(!html.out.contains("`"))
        // Without it, nothing of the kind.
        #expect(!(try CLI.run(["plan", spec]).out.contains("faults at once")))
        let json = try CLI.run(["plan", spec, "--tolerate", "--format", "json"])
        #expect(json.status == 64)
        #expect(json.err.contains("standby tolerate --format json"))
    }

    @Test func workedExampleIsNotFullyCovered() throws {
        let r = try CLI.run(["plan", "examples/patent-fig4.yaml"])
        #expect(r.status == 2, "\(r.err)")
        #expect(r.out.hasPrefix("covered: no"))
        #expect(r.out.contains("fluid 384 MiB vs duplicate 416 MiB"))
        #expect(r.err.isEmpty)
    }

    @Test func withoutMemoryFaultsEveryCaseIsCovered() throws {
        let r = try CLI.run(["plan", "examples/patent-fig4.yaml", "--faults", "os,job,standby"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("fluid 256 MiB vs duplicate 416 MiB: saves 160 MiB (38.5 %)"))
    }

    @Test func unknownFaultKindIsAUsageError() throws {
        let r = try CLI.run(["plan", "examples/patent-fig4.yaml", "--faults", "os,disk"])
        #expect(r.status == 64)
        #expect(r.err.contains("'disk' is not a fault kind"))
    }

    @Test func oneCaseStepByStep() throws {
        let r = try CLI.run(["plan", "examples/patent-fig4.yaml", "--case", "vms50/os/active"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("case vms50/os/active"))
        let uncovered = try CLI.run(["plan", "examples/patent-fig4.yaml", "--case", "vms50/memory/active"])
        #expect(uncovered.status == 2)
    }

    @Test func unknownCase() throws {
        let r = try CLI.run(["plan", "examples/patent-fig4.yaml", "--case", "vms50/os/nope"])
        #expect(r.status == 64)
        #expect(r.err.contains("no case 'vms50/os/nope'"))
    }

    @Test func specErrorsExitOneAndWriteNothing() throws {
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent("plan.json")
        let r = try CLI.run(["plan", "-", "--format", "json", "-o", target.path], stdin: Data("version: 1\n".utf8))
        #expect(r.status == 1)
        #expect(r.err.contains("<stdin>:1:1: error:"))
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }
}

/// Same input, byte-identical output, in every format of every command.
@Suite struct Determinism {
    static let runs: [[String]] = {
        var runs: [[String]] = []
        for example in ["examples/patent-fig4.yaml", "examples/shared-standby.yaml", "examples/cross-machine.yaml"] {
            for format in ["text", "json", "csv", "markdown"] {
                runs.append(["compile", example, "--states", "all", "--format", format])
            }
            for format in ["text", "json", "csv", "markdown", "html"] {
                runs.append(["plan", example, "--faults", "os,job,standby,memory,machine", "--format", format])
            }
            runs.append(["validate", example, "--diagnostics-format", "json"])
        }
        return runs
    }()

    @Test(arguments: runs)
    func twoRunsGiveTheSameBytes(_ arguments: [String]) throws {
        let first = try CLI.run(arguments)
        let second = try CLI.run(arguments)
        #expect([0, 2].contains(first.status), "\(first.err)")
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)
        #expect(first.stderr == second.stderr)
    }
}

@Suite struct JSONDiagnosticsOnStandardError {
    @Test func compileAndPlanWriteOneJSONDocument() throws {
        for command in ["compile", "plan"] {
            let r = try CLI.run([command, "--diagnostics-format", "json", "-"], stdin: Data("version: 1\nmachines: 3\n".utf8))
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty)
            let doc = try JSONSerialization.jsonObject(with: r.stderr) as? [String: Any]
            #expect(doc?["error_count"] as? Int == 1, "\(command): \(r.err)")
        }
    }
}

@Suite struct UnitOption {
    /// --unit is read in any case: `gib` is GiB.
    @Test func unitsInAnyCase() throws {
        let spec = CLI.path("examples/cross-machine.yaml")
        let upper = try CLI.run(["plan", spec, "--unit", "GiB"])
        for unit in ["gib", "GIB"] {
            let r = try CLI.run(["plan", spec, "--unit", unit])
            #expect(r.status == upper.status)
            #expect(r.out == upper.out)
        }
        #expect(try CLI.run(["plan", spec, "--unit", "gigs"]).status == 64)
    }
}
