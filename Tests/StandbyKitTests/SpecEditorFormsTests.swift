import Foundation
import Testing

@testable import StandbyKit

/// Every form a size can be written in that `fix` edits: the result decodes
/// to exactly the advised sizes and every other byte is as it was.
@Suite struct SpecEditorFormsTests {
    /// The worked example (its fix: vms50's memory 256 MiB → 384 MiB), with
    /// the machine's memory written as `memory` says (the text after the key,
    /// up to the line's end, indented by 4 for a block scalar's lines).
    static func spec(memory: String, before: String = "", lineBreak: String = "\n") -> String {
        """
        version: 1\(lineBreak)\(before)machines:
          - name: vms50
            memory: \(memory)
            monitor: 32Mi
            oses:
              - name: active
                role: active
                memory: 160Mi
                kernel: 32Mi
                standby: standby
                jobs:
                  - {name: A, memory: 128Mi, hot_standby: true}
                  - {name: B, memory: 32Mi}
              - {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}

        """
    }

    /// Fixes `text` and checks the result is `expected`, byte for byte, and
    /// decodes to the advised sizes.
    static func check(_ text: String, gives expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let bytes = Array(text.utf8)
        let (spec, diagnostics) = SpecDecoder.decode(bytes)
        #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))", sourceLocation: sourceLocation)
        let decoded = try #require(spec, sourceLocation: sourceLocation)
        guard case .success(let advice) = LeastMemory.fix(decoded) else {
            Issue.record("no fix", sourceLocation: sourceLocation)
            return
        }
        #expect(advice.machines.flatMap(\.edits).map { [$0.from, $0.to] } == [[256 << 20, 384 << 20]], sourceLocation: sourceLocation)
        let result = SpecEditor.apply(advice, to: bytes)
        #expect(result.left.isEmpty, "\(result.left.map(\.reason))", sourceLocation: sourceLocation)
        #expect(String(decoding: result.text, as: UTF8.self) == expected, sourceLocation: sourceLocation)
        let edited = try #require(SpecDecoder.decode(result.text).0, sourceLocation: sourceLocation)
        #expect(edited.machines.map(\.memory) == advice.fixed.machines.map(\.memory), sourceLocation: sourceLocation)
        #expect(edited.machines[0].oses.map(\.memory) == decoded.machines[0].oses.map(\.memory), sourceLocation: sourceLocation)
    }

    @Test(arguments: ["\u{85}", "\u{2028}", "\u{2029}", "\r", "\r\n"])
    func aLineBreakLibyamlCountsShiftsNoLocation(_ lineBreak: String) throws {
        // The break ends the first line, and one more ends a comment line.
        let before = "# a comment" + lineBreak
        try Self.check(
            Self.spec(memory: "256Mi", before: before, lineBreak: lineBreak),
            gives: Self.spec(memory: "384Mi", before: before, lineBreak: lineBreak))
    }

    @Test func anAnchorNoAliasReadsIsEditedInPlaceAndKept() throws {
        try Self.check(Self.spec(memory: "&a 256Mi"), gives: Self.spec(memory: "&a 384Mi"))
        try Self.check(Self.spec(memory: "&a 256Mi # the machine"), gives: Self.spec(memory: "&a 384Mi # the machine"))
    }

    @Test func aTaggedScalarKeepsItsTag() throws {
        try Self.check(Self.spec(memory: "!!str 256Mi"), gives: Self.spec(memory: "!!str 384Mi"))
        try Self.check(Self.spec(memory: "&a !!str 256Mi"), gives: Self.spec(memory: "&a !!str 384Mi"))
        try Self.check(Self.spec(memory: "!!str &a 256Mi"), gives: Self.spec(memory: "!!str &a 384Mi"))
    }

    @Test func aDoubleQuotedScalarWithEscapesIsReplacedWhole() throws {
        try Self.check(Self.spec(memory: #""256\x4Di""#), gives: Self.spec(memory: #""384Mi""#))
        try Self.check(Self.spec(memory: #""\u0032\u00356Mi""#), gives: Self.spec(memory: #""384Mi""#))
        try Self.check(Self.spec(memory: #"'256Mi'"#), gives: Self.spec(memory: #"'384Mi'"#))
    }

    @Test(arguments: [">-", "|-", "|2-", ">-2", "&a >-", "!!str |-"])
    func aBlockScalarBecomesAPlainOne(_ indicator: String) throws {
        let properties = indicator.split(separator: " ").dropLast().map { $0 + " " }.joined()
        try Self.check(
            Self.spec(memory: "\(indicator)\n      256Mi"),
            gives: Self.spec(memory: "\(properties)384Mi"))
        // A comment after the block, less indented, stays.
        try Self.check(
            Self.spec(memory: "\(indicator)\n      256Mi\n    # after"),
            gives: Self.spec(memory: "\(properties)384Mi\n    # after"))
    }

    @Test func aMappingMergedIntoAMachineAndAJobGetsAKeyBesideTheMerge() throws {
        // `&big` gives vms50 its memory and job C of m2 its memory: the job keeps 256 MiB.
        let text = """
            version: 1
            x-big: &big {memory: 256Mi}
            machines:
              - name: vms50
                <<: *big
                monitor: 32Mi
                oses:
                  - name: active
                    role: active
                    memory: 160Mi
                    kernel: 32Mi
                    standby: standby
                    jobs:
                      - {name: A, memory: 128Mi, hot_standby: true}
                      - {name: B, memory: 32Mi}
                  - {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}
              - name: m2
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - name: a2
                    role: active
                    memory: 512Mi
                    kernel: 32Mi
                    jobs:
                      - name: C
                        <<: *big

            """
        let expected = text.replacingOccurrences(
            of: "  - name: vms50\n", with: "  - name: vms50\n    memory: 384Mi\n")
        try Self.check(text, gives: expected)
    }

    /// Where no edit can be written, the reason said is the true one.
    @Test func theReasonLeftIsTheTrueOne() throws {
        // A flow mapping merged through an alias: the value is shared and no key can be added.
        let shared = """
            version: 1
            x-m: &m {memory: 256Mi, monitor: 32Mi}
            machines:
              - {name: vms50, <<: *m, oses: [{name: active, role: active, memory: 160Mi, kernel: 32Mi, standby: standby, jobs: [{name: A, memory: 128Mi, hot_standby: true}, {name: B, memory: 32Mi}]}, {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}]}
              - {name: other, <<: *m, oses: [{name: o, role: active, memory: 64Mi, kernel: 32Mi}]}

            """
        let bytes = Array(shared.utf8)
        let decoded = try #require(SpecDecoder.decode(bytes).0)
        guard case .success(let advice) = LeastMemory.fix(decoded) else {
            Issue.record("no fix")
            return
        }
        let result = SpecEditor.apply(advice, to: bytes)
        #expect(result.left.count == 1)
        #expect(result.left.first?.reason.contains("other entries read too") == true, "\(result.left)")
        #expect(result.left.first?.reason.contains("flow-style") == true, "\(result.left)")
    }

    /// A double-quoted value broken over two lines (`"256\` then `Mi"`) is a
    /// form the editor does not rewrite, and the key cannot be written again
    /// in its mapping: the edit is left, saying so, not blaming an anchor.
    @Test func aFormNotRewrittenIsSaidSo() throws {
        let text = Self.spec(memory: "\"256\\\n      Mi\"")
        let bytes = Array(text.utf8)
        let decoded = try #require(SpecDecoder.decode(bytes).0)
        #expect(decoded.machines.first?.memory == 256 << 20)
        guard case .success(let advice) = LeastMemory.fix(decoded) else {
            Issue.record("no fix")
            return
        }
        let result = SpecEditor.apply(advice, to: bytes)
        #expect(result.left.count == 1)
        #expect(result.left.first?.reason.contains("written in a form `fix` does not rewrite") == true, "\(result.left)")
        #expect(result.left.first?.reason.contains("anchor") == false, "\(result.left)")
        #expect(result.text == bytes)
    }
}
