import Foundation
import Testing

/// `standby headroom` through the binary: the worked example's answers (worked
/// out by hand in HeadroomTests), formats, exit statuses, sizes, bad input.
@Suite struct HeadroomCLI {
    /// The worked example with 320 MiB: a 64 MiB pool after start-up.
    static func roomy(_ folder: URL) throws -> String {
        let text = try String(contentsOfFile: CLI.path("examples/patent-fig4.yaml"), encoding: .utf8)
        let path = folder.appendingPathComponent("roomy.yaml")
        try text.replacingOccurrences(of: "memory: 256Mi", with: "memory: 320Mi")
            .write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    @Test func textLeadsWithTheSummaryThenOneLinePerOS() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try Self.roomy(folder)
        let result = try CLI.run([
            "headroom", spec, "--job", "16Mi", "--hot", "--standby-memory", "32Mi", "--faults", "os,job,standby",
        ])
        #expect(result.status == 0)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("headroom: 3 more 16 MiB hot-standby jobs (copies 32 MiB) in all") == true)
        #expect(lines.first?.contains("each considered alone") == true)
        #expect(lines.dropFirst().first == "room for more on 1 of 1 active OS")
        // One machine: each OS too, as `plan` shows one machine whole.
        #expect(lines.dropLast().last == "per OS:")
        #expect(
            lines.last
                == "  vms50/active: fits 3 more 16 MiB hot-standby jobs (copies 32 MiB); the 4th: case vms50/os/active (a new job's case) short 32 MiB on vms50"
        )
        let summary = try CLI.run([
            "headroom", spec, "--job", "16Mi", "--hot", "--standby-memory", "32Mi", "--faults", "os,job,standby",
            "--detail", "summary",
        ])
        #expect(!summary.out.contains("vms50/active: fits"))
        #expect(summary.out.contains("`--detail oses` shows each OS"))
        // Sizes in the unit asked for.
        let kib = try CLI.run(["headroom", spec, "--job", "16Mi", "--unit", "KiB"])
        #expect(kib.out.contains("fits 4 more 16384 KiB jobs; the 5th: job +5 cannot start on vms50: active needs 16384 KiB more and the pool can give 0"))
    }

    @Test func jsonHasTheShapeTheAnswersAndTheTotal() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = try Self.roomy(folder)
        let output = folder.appendingPathComponent("headroom.json")
        let result = try CLI.run(["headroom", spec, "--job", "16Mi", "--hot", "-o", output.path])
        #expect(result.status == 0)
        #expect(result.out.isEmpty)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        #expect(document["format_version"] as? String == "1.1")
        #expect(document["max"] as? Int == 100)
        #expect(document["total_fits"] as? Int == 0)
        let summary = document["summary"] as? [String: Any]
        #expect(summary?["with_room"] as? Int == 0)
        #expect(summary?["without_room"] as? Int == 1)
        let noRoom = summary?["no_room"] as? [[String: Any]]
        #expect(noRoom?.count == 1)
        #expect(noRoom?.first?["reason"] as? String == "new-case-not-covered-today")
        #expect(noRoom?.first?["first"] as? [String] == ["vms50/active"])
        let job = document["job"] as? [String: Any]
        #expect(job?["memory_bytes"] as? Int == 16 << 20)
        #expect(job?["standby_memory_bytes"] as? Int == 16 << 20)
        #expect(job?["hot_standby"] as? Bool == true)
        let oses = try #require(document["oses"] as? [[String: Any]])
        #expect(oses.count == 1)
        #expect(oses.first?["fits"] as? Int == 0)
        let limit = oses.first?["limit"] as? [String: Any]
        #expect(limit?["reason"] as? String == "case")
        #expect(limit?["case"] as? String == "vms50/memory/active")
        #expect(limit?["shortfall_bytes"] as? Int == 96 << 20)
        #expect(limit?["short_on"] as? String == "vms50")
        #expect(limit?["covered_today"] as? Bool == false)
        #expect(limit?["new_case"] as? Bool == true)
    }

    @Test func markdownIsATable() throws {
        let result = try CLI.run(["headroom", CLI.path("examples/patent-fig4.yaml"), "--job", "16Mi", "--format", "markdown"])
        #expect(result.status == 0)
        #expect(result.out.hasPrefix("## Headroom: 16 MiB jobs\n"))
        #expect(result.out.contains("| 1 | the new job cannot start: its OS's free memory and the pool above the reserve are too small | vms50/active |"))
        #expect(result.out.contains("| machine | OS | fits | the next one | left shorter (not covered today) |"))
        #expect(result.out.contains("| vms50 | active | 0 | job \\+1 cannot start on vms50: active needs 16 MiB more and the pool can give 0 |  |"))
    }

    @Test func maxIsReachedAndSaid() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["headroom", try Self.roomy(folder), "--job", "16Mi", "--max", "2"])
        #expect(result.status == 0)
        #expect(result.out.contains("vms50/active: fits 2 more 16 MiB jobs, the most tried (--max 2)"))
        #expect(result.out.contains("room for more on 1 of 1 active OS (1 at --max 2, the most tried)"))
    }

    @Test(arguments: [
        ["--job", "1.5"], ["--job", "-1Mi"], ["--job", "0"], ["--job", "16Mb"], ["--job", "99999999999Ei"],
        ["--job", "16Mi", "--standby-memory", "8Mi"], ["--job", "16Mi", "--hot", "--standby-memory", "x"],
        ["--job", "16Mi", "--max", "0"], ["--job", "16Mi", "--max", "1001"], ["--job", "16Mi", "--max", "1000000"], ["--job", "16Mi", "--faults", "disk"], ["--job", "16Mi", "--format", "csv"],
        ["--job", "16Mi", "-o", "out.html"], ["--job", "16Mi", "--detail", "cases"], [],
    ])
    func badArgumentsAreUsageErrors(_ arguments: [String]) throws {
        let result = try CLI.run(["headroom", CLI.path("examples/patent-fig4.yaml")] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.err)")
        #expect(result.out.isEmpty)
        #expect(result.err.hasPrefix("standby: error: "), "\(result.err)")
    }

    @Test func aSizeErrorSaysWhatASizeIs() throws {
        let result = try CLI.run(["headroom", CLI.path("examples/patent-fig4.yaml"), "--job", "16Mb"])
        #expect(result.err.contains("--job: '16Mb' is not a size"))
        #expect(result.err.contains("256Mi"))
    }

    @Test func anInvalidSpecShowsItsProblemsAndExits1() throws {
        let broken = Data("version: 1\nmachines:\n  - name: m\n    memroy: 1Gi\n".utf8)
        let result = try CLI.run(["headroom", "-", "--job", "1Gi"], stdin: broken)
        #expect(result.status == 1)
        #expect(result.out.isEmpty)
        #expect(result.err.contains("memroy"))
    }

    @Test func anOSWithoutAStandbyTakesNoHotJobs() throws {
        let spec = """
            version: 1
            machines:
              - name: m
                memory: 1Gi
                monitor: 64Mi
                oses:
                  - {name: a, role: active, memory: 128Mi, kernel: 64Mi}
                  - {name: s, role: standby, memory: 64Mi, kernel: 64Mi}
            """
        let hot = try CLI.run(["headroom", "-", "--job", "64Mi", "--hot", "--format", "json"], stdin: Data(spec.utf8))
        #expect(hot.status == 0)
        let document = try JSONSerialization.jsonObject(with: hot.stdout) as? [String: Any]
        let os = (document?["oses"] as? [[String: Any]])?.first
        #expect(os?["fits"] as? Int == 0)
        #expect((os?["limit"] as? [String: Any])?["reason"] as? String == "no-standby")
        // Ordinary jobs: free 64 MiB, then the pool of 1024 − 64 − 128 − 64 = 768 MiB:
        // (64 + 768) / 64 = 13 start, the 14th cannot.
        let plain = try CLI.run(["headroom", "-", "--job", "64Mi"], stdin: Data(spec.utf8))
        #expect(plain.out.contains("m/a: fits 13 more 64 MiB jobs; the 14th: job +14 cannot start on m: a needs 64 MiB more and the pool can give 0"))
        let json = try CLI.run(["headroom", "-", "--job", "64Mi", "--format", "json"], stdin: Data(spec.utf8))
        let limit = ((try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])?["oses"] as? [[String: Any]])?
            .first?["limit"] as? [String: Any]
        #expect(limit?["reason"] as? String == "start")
        #expect(limit?["job"] as? String == "+14")
        #expect(limit?["needed_bytes"] as? Int == 64 << 20)
        #expect(limit?["available_bytes"] as? Int == 0)
        #expect(limit?["short_bytes"] as? Int == 64 << 20)
    }
}
