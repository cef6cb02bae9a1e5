import Testing

@testable import StandbyKit

private let Mi = 1 << 20

/// The work of `Headroom` counted, not timed: per OS it grows with the counts
/// tried and the OS's own jobs, never with the other actives of its machine
/// nor with the square of the counts (docs/headroom.md, "Cost").
@Suite struct HeadroomWorkTests {
    /// Machine `m0` with `actives` actives, each with one hot-standby job of
    /// 1 MiB failing over to `s` on machine `m1`, and plenty of pool on both;
    /// `machine` faults planned with the others; a memory fault loses 50 %,
    /// so 1 MiB jobs (granule 1 MiB) are not additive.
    static func spec(actives: Int, lost: String = "50%") throws -> CompiledSpec {
        var text = """
            version: 1
            policies: {faults: [os, job, standby, memory, machine], memory_fault: {lost: \(lost)}}
            machines:
              - name: m0
                memory: \(64 + actives * 4 + 4096)Mi
                monitor: 64Mi
                oses:

            """
        for a in 0..<actives {
            text += "      - {name: a\(a), role: active, memory: 4Mi, kernel: 2Mi, standby: m1/s, jobs: [{name: j\(a), memory: 1Mi, hot_standby: true}]}\n"
        }
        text += """
              - name: m1
                memory: \(64 + 2 + actives + 8192)Mi
                monitor: 64Mi
                oses:
                  - {name: s, role: standby, memory: \(2 + actives)Mi, kernel: 2Mi}

            """
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "many.yaml", bytes: Array(text.utf8)))
        #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))")
        return try #require(compiled)
    }

    /// Twice the actives on one machine, twice the work: the `machine` case
    /// with the new copies is today's plus the copies, not a simulation of
    /// every job of the machine for every count of every active.
    @Test func aMachinesWorkGrowsLinearlyWithItsActives() throws {
        let job = NewJob(memory: Mi, hotStandby: true)
        let (small, smallWork) = Headroom.counted(try Self.spec(actives: 40), job: job, max: 20)
        let (large, largeWork) = Headroom.counted(try Self.spec(actives: 80), job: job, max: 20)
        // Every OS tries every count: the work measured is the work of the full search.
        #expect(small.oses.allSatisfy { $0.fits == 20 && $0.limit == .max })
        #expect(large.oses.allSatisfy { $0.fits == 20 && $0.limit == .max })
        // Per OS and count, a bounded number of steps: a few cases, and X's own jobs (1 + the block).
        #expect(largeWork <= 80 * 20 * 12, "work \(largeWork)")
        #expect(Double(largeWork) <= 2.2 * Double(smallWork), "work \(smallWork) → \(largeWork)")
    }

    /// A `memory` case whose cutting is not additive (1 MiB jobs losing 50 %,
    /// rounded up to the 1 MiB granule: all of each, half of a block) costs
    /// the same per count whatever the count: ten times the counts, ten times
    /// the work, not a hundred.
    @Test func aNonAdditiveMemoryCaseCostsTheSameEveryCount() throws {
        let compiled = try Self.spec(actives: 1)
        for hot in [false, true] {
            let job = NewJob(memory: Mi, hotStandby: hot)
            let (few, fewWork) = Headroom.counted(compiled, job: job, max: 200)
            let (many, manyWork) = Headroom.counted(compiled, job: job, max: 2000)
            #expect(few.oses.map(\.fits) == [200] && many.oses.map(\.fits) == [2000], "\(many.oses)")
            #expect(manyWork <= 2000 * 12, "work \(manyWork)")
            #expect(Double(manyWork) <= 10.5 * Double(fewWork), "work \(fewWork) → \(manyWork)")
        }
    }

    /// The incremental cases give what the rules give: a non-additive memory
    /// case and the machine case that fail, named as the plan names them.
    @Test func theIncrementalCasesFailAsTheRulesSay() throws {
        // m1's standby has 2 MiB of its own for `actives` copies plus the new
        // ones, and its pool is what is left: with few pool bytes the copies run short.
        var text = """
            version: 1
            policies: {faults: [job, machine], memory_fault: {lost: 50%}}
            machines:
              - name: m0
                memory: 1088Mi
                monitor: 64Mi
                oses:
                  - {name: a, role: active, memory: 4Mi, kernel: 2Mi, standby: m1/s, jobs: [{name: j, memory: 1Mi, hot_standby: true}]}
              - name: m1
                memory: 70Mi
                monitor: 64Mi
                oses:
                  - {name: s, role: standby, memory: 3Mi, kernel: 2Mi}

            """
        text += ""
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "short.yaml", bytes: Array(text.utf8)))
        #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))")
        let report = Headroom.check(try #require(compiled), job: NewJob(memory: Mi, hotStandby: true), max: 100)
        // s has 1 MiB free (j's copy), m1's pool 3 MiB: copies of 3 new jobs fit, the 4th is 1 MiB short on m1.
        #expect(report.oses.map(\.fits) == [3])
        #expect(
            report.oses.first?.limit
                == .uncovered(id: "m0/machine", newCase: true, coveredToday: true, shortOn: "m1", shortfall: Mi, unrecoverable: nil))
    }
}
