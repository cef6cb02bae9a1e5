import Testing

@testable import StandbyKit

/// A `missing-key` error that a reported typo explains is not shown: one
/// mistake, one error (docs/diagnostics.md, "One mistake, one error").
@Suite struct DiagnosticCascade {
    static func codes(_ text: String) -> [(DiagnosticCode, String, Int)] {
        let diagnostics = Pipeline.compile(SourceFile(path: "x", bytes: Array(text.utf8))).1
        return diagnostics.sorted.map { ($0.code, $0.message, $0.location.line) }
    }

    static func spec(base: String, machines: [String]) -> String {
        var text = "version: 1\nx-base: &base\n\(base)\nmachines:\n"
        for m in machines { text += m }
        return text
    }

    static func merging(_ name: String) -> String {
        "  - name: \(name)\n    <<: *base\n    oses:\n      - {name: a, role: active, memory: 64Mi, kernel: 32Mi}\n"
    }

    /// A typo in an anchored mapping three machines merge: one error, where
    /// the typo is written, with a note at each merge; no `missing-key`.
    @Test func aTypoMergedThreeTimesIsOneError() {
        let text = Self.spec(base: "  memroy: 256Mi\n  monitor: 32Mi", machines: ["m1", "m2", "m3"].map(Self.merging))
        let diagnostics = Pipeline.compile(SourceFile(path: "x", bytes: Array(text.utf8))).1
        #expect(diagnostics.sorted.map(\.code) == [.unknownKey])
        let typo = diagnostics.sorted.first
        #expect(typo?.location.line == 3)
        #expect(typo?.notes.map(\.message) == ["did you mean 'memory'?", "merged here", "merged here", "merged here"])
    }

    /// The same typo written in the machine itself: one error.
    @Test func aTypoInTheMappingItselfIsOneError() {
        let text = """
            version: 1
            machines:
              - name: m
                memroy: 256Mi
                monitor: 32Mi
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi}

            """
        #expect(Self.codes(text).map(\.0) == [.unknownKey])
    }

    /// What the typo does not explain is still reported: a key it is no near
    /// miss of, a mapping it is not in, and a key far from every key.
    @Test func onlyWhatTheTypoExplainsIsDropped() {
        // `monitr` is a near miss of `monitor` (whose absence it explains), not of `memory`.
        let other = Self.spec(base: "  monitr: 32Mi", machines: [Self.merging("m1")])
        #expect(Self.codes(other).map(\.0) == [.unknownKey, .missingKey])
        #expect(Self.codes(other).last?.1 == "missing key 'memory' in machine 'm1'")
        // m2 does not merge the base: its missing memory is its own mistake.
        let apart = Self.spec(
            base: "  memroy: 256Mi\n  monitor: 32Mi",
            machines: [
                Self.merging("m1"),
                "  - name: m2\n    monitor: 32Mi\n    oses:\n      - {name: a, role: active, memory: 64Mi, kernel: 32Mi}\n",
            ])
        let codes = Self.codes(apart)
        #expect(codes.map(\.0) == [.unknownKey, .missingKey])
        #expect(codes.last?.1 == "missing key 'memory' in machine 'm2'")
        // A key near no key of a machine gets the list of keys, and explains nothing.
        let far = Self.spec(base: "  size: 256Mi\n  monitor: 32Mi", machines: [Self.merging("m1")])
        #expect(Self.codes(far).map(\.0) == [.unknownKey, .missingKey])
    }
}
