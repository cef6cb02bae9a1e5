import Testing

@testable import StandbyKit

/// The limit of `tolerate`'s search counts work, not sets: a set simulated
/// is charged the jobs and copies it reads, so the limit bounds the time
/// whatever the spec (docs/planning.md, "A limit on the work").
@Suite struct ToleranceWorkTests {
    /// `n` actives on one standby with 8 MiB free and an empty pool; each
    /// asks 2 MiB beyond what it hands over (a 2 MiB job whose copy needs
    /// 4 MiB), releases 1 MiB (an ordinary job) and has `extra` more hot
    /// jobs whose copies need what they hand over. Any 8 at once are covered
    /// (2k − 8 ≤ k), but from 5 on only what a set releases proves it: the
    /// search looks at the sets of 5.
    static func hub(_ n: Int, extra: Int) throws -> CompiledSpec {
        var text = """
            version: 1
            policies: {faults: [os]}
            machines:
              - name: hub
                memory: \(64 + n * (4 + extra) + 10)Mi
                monitor: 64Mi
                oses:

            """
        for a in 0..<n {
            var jobs = "{name: h\(a), memory: 2Mi, hot_standby: true, standby_memory: 4Mi}, {name: o\(a), memory: 1Mi}"
            for e in 0..<extra { jobs += ", {name: e\(a)-\(e), memory: 1Mi, hot_standby: true}" }
            text += "      - {name: a\(a), role: active, memory: \(4 + extra)Mi, kernel: 1Mi, standby: s, jobs: [\(jobs)]}\n"
        }
        text += "      - {name: s, role: standby, memory: 10Mi, kernel: 2Mi}\n"
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "hub.yaml", bytes: Array(text.utf8)))
        #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))")
        return try #require(compiled)
    }

    @Test func aSimulatedSetIsChargedTheJobsItReads() throws {
        let light = Tolerance.check(try Self.hub(10, extra: 0), kinds: [.os], maxK: 5).kinds[0]
        let heavy = Tolerance.check(try Self.hub(10, extra: 30), kinds: [.os], maxK: 5).kinds[0]
        // The same search, the same answer…
        #expect((light.k, light.complete, heavy.k, heavy.complete) == (5, true, 5, true))
        #expect(light.simulated == heavy.simulated)
        // …but every set looked at is charged what a simulation of it would
        // read: 30 more copies per fault in it. The extra jobs ask nothing and
        // release nothing, so both searches look at the same sets and the same
        // lists: uncharged, the two counts would be equal.
        #expect(heavy.examined >= light.examined + 30 * 10, "\(light.examined) → \(heavy.examined)")
        #expect((heavy.examined - light.examined) % 30 == 0, "\(light.examined) → \(heavy.examined)")
    }

    @Test func theLimitStopsAHeavySearchEarlierAndClaimsOnlyWhatItChecked() throws {
        let compiled = try Self.hub(10, extra: 30)
        let full = Tolerance.check(compiled, kinds: [.os], maxK: 5).kinds[0]
        let cut = Tolerance.check(compiled, kinds: [.os], maxK: 5, maxSets: full.examined / 2).kinds[0]
        #expect(!cut.complete)
        #expect(cut.examined == full.examined / 2)
        #expect(cut.k == 4 && cut.checkedUpTo == 4 && cut.counterexample == nil)
    }
}
