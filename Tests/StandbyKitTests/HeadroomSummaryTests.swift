import Foundation
import Testing

@testable import StandbyKit

private let Mi = 1 << 20

/// What `headroom` leads with, and what it says beside the count: the OSes
/// that take nothing more grouped by why, the cases not covered today that
/// the new jobs leave shorter. Each reason and figure is checked by adding
/// the jobs to the spec and planning it again with the rules.
@Suite struct HeadroomSummaryTests {
    static func compile(_ text: String) throws -> CompiledSpec {
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "spec.yaml", bytes: Array(text.utf8)))
        #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))")
        return try #require(compiled)
    }

    /// The spec with `count` jobs of the shape appended to `machine`/`os`.
    static func adding(_ count: Int, _ job: NewJob, to machine: String, _ os: String, in spec: Spec) throws -> Spec {
        let m = try #require(spec.machines.firstIndex { $0.name == machine })
        let o = try #require(spec.machines[m].oses.firstIndex { $0.name == os })
        return HeadroomTests.adding(count, job, to: m, o, in: spec)
    }

    /// Four hot-standby shapes blocked three ways, and one OS with room:
    ///
    /// - m0/a0 and m0/a4 fail over to `s` on their own machine: with
    ///   `machine` faults planned, a new job's copy is lost with m0;
    /// - m0/a1 names no standby;
    /// - m1/a2 has no free memory and m1's pool is empty: `+1` cannot start;
    /// - m1/a3 has 64 MiB free and fails over to m0/s, whose machine has
    ///   704 MiB of pool: four 16 MiB jobs fit, the fifth cannot start.
    static let mixed = """
        version: 1
        policies: {faults: [os, machine]}
        machines:
          - name: m0
            memory: 1Gi
            monitor: 64Mi
            oses:
              - {name: a0, role: active, memory: 64Mi, kernel: 64Mi, standby: s}
              - {name: a1, role: active, memory: 64Mi, kernel: 64Mi}
              - {name: a4, role: active, memory: 64Mi, kernel: 64Mi, standby: s}
              - {name: s, role: standby, memory: 64Mi, kernel: 64Mi}
          - name: m1
            memory: 256Mi
            monitor: 64Mi
            oses:
              - {name: a2, role: active, memory: 64Mi, kernel: 64Mi, standby: m0/s}
              - {name: a3, role: active, memory: 128Mi, kernel: 64Mi, standby: m0/s}

        """

    @Test func theOSesWithNoRoomAreGroupedByWhyMostFirst() throws {
        let compiled = try Self.compile(Self.mixed)
        let job = NewJob(memory: 16 * Mi, hotStandby: true)
        let report = Headroom.check(compiled, job: job, max: 100)
        let summary = report.summary
        #expect(summary.oses == 5 && summary.withRoom == 1 && summary.withoutRoom == 4 && summary.atMax == 0)
        #expect(summary.totalFits == 4)
        #expect(
            summary.blocked == [
                .init(block: .copyLost, count: 2, first: ["m0/a0", "m0/a4"]),
                .init(block: .start, count: 1, first: ["m1/a2"]),
                .init(block: .noStandby, count: 1, first: ["m0/a1"]),
            ])

        // Each reason, by adding one job and planning again.
        let spec = compiled.spec
        for os in ["a0", "a4"] {
            let plan = FigureRules.plan(RandomSpec.compile(try Self.adding(1, job, to: "m0", os, in: spec)))
            let machineCase = try #require(plan.cases.first { $0.id == "m0/machine" })
            #expect(!machineCase.covered)
            #expect(machineCase.unrecoverable.contains(UnrecoverableJob(job: "new1", reason: .standbyDown(standby: "s"))))
        }
        let (tooMany, diagnostics) = Compiler.compile(try Self.adding(1, job, to: "m1", "a2", in: spec))
        #expect(tooMany == nil)
        #expect(diagnostics.all.contains { $0.code == .jobCannotStart && $0.message.contains("'new1'") })
        #expect(spec.machines[0].oses[1].standby == nil)
        let four = FigureRules.plan(RandomSpec.compile(try Self.adding(4, job, to: "m1", "a3", in: spec)))
        #expect(four.cases.allSatisfy { $0.covered })
        #expect(Compiler.compile(try Self.adding(5, job, to: "m1", "a3", in: spec)).0 == nil)

        // The words: the copy lost with its machine, and the summary before any OS.
        let a0 = try #require(report.oses.first { $0.os == "a0" })
        var text = ""
        HeadroomRenderer.render(report, format: .text, detail: .oses, to: &text)
        #expect(text.contains("m0/a0: fits 0 more 16 MiB hot-standby jobs; the 1st: case m0/machine (a new job's case) not covered: +1's copy is lost with m0: its standby s runs on that machine"))
        #expect(HeadroomRenderer.why(a0.limit, unit: .auto).plain.contains("+1's copy is lost with m0"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.prefix(6) == [
            "headroom: 4 more 16 MiB hot-standby jobs in all (5 active OSes, each considered alone: the OSes of one machine share its pool, so the counts do not add up to one placement)",
            "room for more on 1 of 5 active OSes",
            "",
            "no room (4 of 5 active OSes, most first):",
            "  2 OSes: a new job's copy would be lost with its machine: the OS's standby runs on the same machine, and machine faults are planned (m0/a0, m0/a4)",
            "  1 OS: the new job cannot start: its OS's free memory and the pool above the reserve are too small (m1/a2)",
        ])
        // Two machines: the summary alone unless asked.
        var summaryOnly = ""
        HeadroomRenderer.render(report, format: .text, machines: compiled.machines.count, to: &summaryOnly)
        #expect(!summaryOnly.contains("m1/a3: fits"))
        #expect(summaryOnly.hasSuffix("`--detail oses` shows each OS: how many fit, why the next does not, the cases it leaves shorter\n"))
    }

    /// examples/patent-fig4.yaml at 320 MiB, ordinary 16 MiB jobs: four
    /// start, each taking 16 MiB of the 64 MiB pool. `memory/active` is not
    /// covered today (A's copy needs 128 MiB, nothing can be read, the pool
    /// holds 64 MiB: short 64 MiB), binds no ordinary job, and with the four
    /// jobs holds nothing: short 128 MiB. Listed, and not stopping the count.
    @Test func aCaseNotCoveredTodayThatTheJobsLeaveShorterIsListed() throws {
        let compiled = try HeadroomTests.workedExample(memory: "320Mi")
        let job = NewJob(memory: 16 * Mi)
        let answer = try HeadroomTests.only(Headroom.check(compiled, job: job, max: 100))
        #expect(answer.fits == 4)
        #expect(answer.worse == [WorseCase(id: "vms50/memory/active", shortfallToday: 64 * Mi, shortfall: 128 * Mi)])
        #expect(answer.worseCount == 1)
        let today = FigureRules.plan(RandomSpec.compile(compiled.spec))
        let after = FigureRules.plan(RandomSpec.compile(try Self.adding(4, job, to: "vms50", "active", in: compiled.spec)))
        #expect(today.cases.first { $0.id == "vms50/memory/active" }?.shortfall == 64 * Mi)
        #expect(after.cases.first { $0.id == "vms50/memory/active" }?.shortfall == 128 * Mi)
        var text = ""
        HeadroomRenderer.render(Headroom.check(compiled, job: job, max: 100), format: .text, machines: 1, to: &text)
        #expect(text.contains("1 case not covered today left shorter by the new jobs, for 1 active OS (they do not stop the count)"))
        #expect(text.contains("    leaves shorter (not covered today): vms50/memory/active short 64 MiB → 128 MiB\n"))
    }

    /// Twelve `memory` cases not covered today, each short 32 MiB on the
    /// machine's pool (a copy of 64 MiB, nothing readable, 32 MiB of pool);
    /// two ordinary 16 MiB jobs on `x` empty the pool: each is short 64 MiB.
    /// All twelve are counted, the first ten listed (equally worse: plan
    /// order).
    @Test func theListOfWorseCasesIsCutAndCounted() throws {
        var text = """
            version: 1
            policies: {faults: [memory]}
            machines:
              - name: m
                memory: 928Mi
                monitor: 64Mi
                oses:

            """
        for a in 0..<12 {
            text += "      - {name: a\(a), role: active, memory: 64Mi, kernel: 32Mi, standby: s, "
            text += "jobs: [{name: j\(a), memory: 32Mi, hot_standby: true, standby_memory: 64Mi}]}\n"
        }
        text += "      - {name: s, role: standby, memory: 32Mi, kernel: 32Mi}\n"
        text += "      - {name: x, role: active, memory: 32Mi, kernel: 32Mi}\n"
        let compiled = try Self.compile(text)
        let job = NewJob(memory: 16 * Mi)
        let x = try #require(Headroom.check(compiled, job: job, max: 100).oses.last)
        #expect(x.os == "x" && x.fits == 2)
        #expect(x.worseCount == 12)
        #expect(x.worse.map(\.id) == (0..<10).map { "m/memory/a\($0)" })
        #expect(x.worse.allSatisfy { $0.shortfallToday == 32 * Mi && $0.shortfall == 64 * Mi })
        let after = FigureRules.plan(RandomSpec.compile(try Self.adding(2, job, to: "m", "x", in: compiled.spec)))
        let memoryCases = after.cases.filter { $0.kind == .memory && $0.target.hasPrefix("a") }
        #expect(memoryCases.count == 12 && memoryCases.allSatisfy { $0.shortfall == 64 * Mi })
        var out = ""
        HeadroomRenderer.render(Headroom.check(compiled, job: job, max: 100), format: .text, detail: .oses, to: &out)
        #expect(out.contains("m/memory/a9 short 32 MiB → 64 MiB, and 2 more\n"))
    }
}
