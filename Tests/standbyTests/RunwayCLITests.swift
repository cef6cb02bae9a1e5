import Foundation
import Testing

/// `standby runway` through the binary: the answer first, every format,
/// exit statuses, `--fix`, bad input.
@Suite struct RunwayCLI {
    /// The worked example, planned without `memory` faults: covered today.
    static let covered = ["--faults", "os,job,standby"]

    @Test func textLeadsWithTheAnswerAndExitsTwoWhenAMachineRunsOut() throws {
        let spec = CLI.path("examples/patent-fig4.yaml")
        let result = try CLI.run(["runway", spec, "--growth", "10%"] + Self.covered)
        #expect(result.status == 2)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("runway: after ") == true)
        #expect(lines.first?.hasSuffix("1 machine runs out first (jobs growing 10% a month, horizon 36 months)") == true)
        #expect(lines.dropFirst().first?.hasPrefix("memory for the horizon: ") == true)
        #expect(lines.contains("running out (1 of 1 machines, the earliest first):"))
        #expect(lines.last?.hasPrefix("  vms50: after ") == true)
        #expect(lines.last?.contains("lasts the horizon") == true)
    }

    @Test func exitsZeroWhenEveryMachineLastsTheHorizon() throws {
        let result = try CLI.run(
            ["runway", CLI.path("examples/patent-fig4.yaml"), "--growth", "0%", "--horizon", "3", "--period", "week"]
                + Self.covered)
        #expect(result.status == 0)
        #expect(result.out.hasPrefix("runway: every machine lasts the horizon of 3 weeks (jobs growing 0% a week)\n"))
        #expect(result.out.contains("memory for the horizon: 256 MiB (today 256 MiB)"))
        // The longest horizon, nothing growing: every period plans as today.
        let longest = try CLI.run(
            ["runway", CLI.path("examples/patent-fig4.yaml"), "--growth", "0%", "--horizon", "1200"] + Self.covered)
        #expect(longest.status == 0)
        #expect(longest.out.hasPrefix("runway: every machine lasts the horizon of 1200 months"))
    }

    @Test func jsonAndCSVHaveEveryMachine() throws {
        let spec = CLI.path("examples/cross-machine.yaml")
        let json = try CLI.run(["runway", spec, "--growth", "3%", "--horizon", "12", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(document["format_version"] as? String == "1.1")
        #expect(document["growth"] as? String == "3%")
        #expect(document["horizon"] as? Int == 12)
        #expect(document["period"] as? String == "month")
        let machines = try #require(document["machines"] as? [[String: Any]])
        #expect(machines.map { $0["name"] as? String } == ["rack1", "rack2"])
        for machine in machines {
            let memory = try #require(machine["memory_bytes"] as? Int)
            let least = try #require(machine["memory_for_horizon_bytes"] as? Int)
            #expect(least >= memory)
            if machine["runs_out_after"] is NSNull {
                #expect(machine["limit"] is NSNull)
            } else {
                let limit = try #require(machine["limit"] as? [String: Any])
                #expect(["start", "case"].contains(limit["kind"] as? String))
                #expect((limit["shortfall_bytes"] as? Int ?? 0) > 0)
                #expect(least > memory)
            }
        }
        let fleet = try #require(document["fleet"] as? [String: Any])
        let first = machines.compactMap { $0["runs_out_after"] as? Int }.min()
        #expect(fleet["runs_out_after"] as? Int == first)
        #expect(json.status == (first == nil ? 0 : 2))
        let csv = try CLI.run(["runway", spec, "--growth", "3%", "--horizon", "12", "--format", "csv"])
        let rows = csv.out.split(separator: "\r\n").map(String.init)
        #expect(rows.first == "machine,runs_out_after,limit,case_or_job,shortfall_bytes,memory_bytes,memory_for_horizon_bytes")
        #expect(rows.count == 3)
        #expect(rows.dropFirst().map { $0.split(separator: ",").first.map(String.init) } == ["rack1", "rack2"])
        let markdown = try CLI.run(["runway", spec, "--growth", "3%", "--horizon", "12", "--format", "markdown"])
        #expect(markdown.out.hasPrefix("## Runway: jobs growing 3% a month\n"))
    }

    @Test func fixWritesTheMemoryForTheHorizonKeepingComments() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("spec.yaml")
        try FileManager.default.copyItem(atPath: CLI.path("examples/patent-fig4.yaml"), toPath: spec.path)
        let json = try CLI.run(["runway", spec.path, "--growth", "5%", "--horizon", "6", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let least = try #require((document["machines"] as? [[String: Any]])?.first?["memory_for_horizon_bytes"] as? Int)
        let result = try CLI.run(["runway", spec.path, "--growth", "5%", "--horizon", "6", "--fix", "--in-place"])
        #expect(result.status == 2)
        #expect(result.err.contains("vms50: memory 256 MiB → \(least >> 20) MiB"))
        #expect(result.err.contains("lasts the horizon of 6 months"))
        let written = try String(contentsOf: spec, encoding: .utf8)
        #expect(written.contains("\n    memory: \(least >> 20)Mi\n"))
        // Only that line changed: every comment stays.
        let before = try String(contentsOfFile: CLI.path("examples/patent-fig4.yaml"), encoding: .utf8)
        #expect(written.split(separator: "\n").filter { $0.contains("#") } == before.split(separator: "\n").filter { $0.contains("#") })
        #expect(written.split(separator: "\n").count == before.split(separator: "\n").count)
        // Written once, the memory lasts: the run finds nothing to change.
        let again = try CLI.run(["runway", spec.path, "--growth", "5%", "--horizon", "6"])
        #expect(again.status == 0)
        let unchanged = try CLI.run(["runway", spec.path, "--growth", "5%", "--horizon", "6", "--fix", "-o", "-"])
        #expect(unchanged.out == written)
        #expect(unchanged.err.contains("nothing to change"))
    }

    @Test(arguments: [
        (["--growth=-1%"], "negative"), (["--growth", "-1%"], "--growth"), (["--growth", "1001%"], "at most 1000%"),
        (["--growth", "1.125%"], "two digits"), (["--growth", "2"], "not a percentage"),
        (["--growth", "lots"], "not a percentage"), (["--growth", "2%", "--horizon", "0"], "--horizon"),
        (["--growth", "2%", "--horizon", "1201"], "--horizon"), (["--growth", "2%", "--in-place"], "--fix"),
        (["--growth", "2%", "--fix", "--format", "json"], "--fix"),
    ])
    func badOptionsAreUsageErrors(_ options: [String], _ message: String) throws {
        let result = try CLI.run(["runway", CLI.path("examples/patent-fig4.yaml")] + options)
        #expect(result.status == 64)
        #expect(result.err.contains(message), "\(result.err)")
        #expect(result.out.isEmpty)
    }

    @Test func aGrowthKeyOnAnOSOrABadRateIsALocatedError() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: CLI.path("examples/patent-fig4.yaml"), encoding: .utf8)
        let onOS = folder.appendingPathComponent("os.yaml")
        try text.replacingOccurrences(of: "        role: standby\n", with: "        role: standby\n        growth: 2%\n")
            .write(to: onOS, atomically: true, encoding: .utf8)
        let os = try CLI.run(["runway", onOS.path, "--growth", "2%"])
        #expect(os.status == 1)
        #expect(os.err.contains("os.yaml:") && os.err.contains("error: unknown key 'growth' in an OS"), "\(os.err)")
        let badRate = folder.appendingPathComponent("rate.yaml")
        try text.replacingOccurrences(of: "            memory: 32Mi\n", with: "            memory: 32Mi\n            growth: 2.555%\n")
            .write(to: badRate, atomically: true, encoding: .utf8)
        let rate = try CLI.run(["runway", badRate.path, "--growth", "2%"])
        #expect(rate.status == 1)
        #expect(rate.err.contains("rate.yaml:"), "\(rate.err)")
        #expect(rate.err.contains("[invalid-growth]"), "\(rate.err)")
    }

    @Test func hugeGrowthReachesALimitWithoutCrashingOrHanging() throws {
        let result = try CLI.run(
            ["runway", CLI.path("examples/patent-fig4.yaml"), "--growth", "1000%", "--horizon", "1200", "--format", "json"])
        #expect(result.status == 2)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let machine = try #require((document["machines"] as? [[String: Any]])?.first)
        #expect(machine["runs_out_after"] as? Int == 0)
        #expect(machine["memory_for_horizon_bytes"] is NSNull)
    }
}
