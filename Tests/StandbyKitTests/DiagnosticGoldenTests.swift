import Foundation
import Testing

@testable import StandbyKit

/// The diagnostics output as users and tools see it, whole: swiftc-style text
/// (with and without colour) and the JSON document, for specs that fail in the
/// reader, in the decoder, in validation and in the compiler.
@Suite struct DiagnosticGoldens {
    static let specs: [(name: String, text: String)] = [
        (
            "decode.yaml",
            """
            version: 1
            policies:
              faults: [os, disk]
              pool: yes
            machines:
              - name: vms50
                memroy: 256Mi
                monitor: 32Mo
                oses:
                  - name: active
                    role: primary
                    memory: 160Mi
                    kernel: 32Mi

            """
        ),
        (
            "tabs.yaml",
            """
            version: 1
            machines:
              - name: m1
                memory: 1Gi
                monitor: 64Mi
                oses:
              \t  - name: a
                    role: active
                    memory: 512Mi
                    kernel: 600Mi
                    standby: sb
                    jobs:
                      - {name: a, memory: 64Mi, hot_standby: true}

            """
        ),
        (
            "validate.yaml",
            """
            version: 1
            machines:
              - name: m1
                memory: 1Gi
                monitor: 64Mi
                oses:
                  - name: a
                    role: active
                    memory: 512Mi
                    kernel: 500Mi
                    standby: sb
                    jobs:
                      - {name: a, memory: 64Mi, hot_standby: true}
                  - name: spare
                    role: standby
                    memory: 64Mi
                    kernel: 60.5Mi

            """
        ),
        (
            "reader.yaml",
            """
            version: 1
            machines:
              - name: m1
                memory: 1Gi
                name: m2

            """
        ),
        (
            // One typo in an anchored mapping that three machines merge: one
            // unknown-key error with a note per merge, and no missing-key
            // error per machine (the typo explains them).
            "merged.yaml",
            """
            version: 1
            x-base: &base
              memroy: 256Mi
              monitor: 32Mi
            machines:
              - name: m1
                <<: *base
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi}
              - name: m2
                <<: *base
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi}
              - name: m3
                <<: *base
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi}

            """
        ),
        (
            "compile.yaml",
            """
            version: 1
            machines:
              - name: m1
                memory: 1Gi
                monitor: 64Mi
                reserve: 256Mi
                oses:
                  - name: a
                    role: active
                    memory: 512Mi
                    kernel: 64Mi
                    jobs:
                      - {name: big, memory: 900Mi}

            """
        ),
    ]

    static func diagnostics(_ text: String) -> Diagnostics {
        Pipeline.compile(SourceFile(path: "x", bytes: Array(text.utf8))).1
    }

    @Test(arguments: specs.map(\.name))
    func text(_ name: String) throws {
        let text = try #require(Self.specs.first { $0.name == name }).text
        let source = SourceFile(path: "specs/\(name)", bytes: Array(text.utf8))
        let diagnostics = Self.diagnostics(text)
        #expect(diagnostics.hasErrors)
        var plain = ""
        DiagnosticRenderer.renderText(diagnostics.sorted, in: source, color: false, to: &plain)
        try RenderFixtures.Golden.check(plain, "diagnostics/\(name).txt")
        var colored = ""
        DiagnosticRenderer.renderText(diagnostics.sorted, in: source, color: true, to: &colored)
        try RenderFixtures.Golden.check(colored, "diagnostics/\(name).color.txt")
        // Colour changes nothing but the escapes.
        #expect(colored.replacing(/\x{1B}\[[0-9;]*m/, with: "") == plain)
    }

    @Test func json() throws {
        var out = ""
        DiagnosticRenderer.renderJSON(Self.specs.map { ("specs/\($0.name)", Self.diagnostics($0.text)) }, to: &out)
        try RenderFixtures.Golden.check(out, "diagnostics/all.json")
        let doc = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(doc?["format_version"] as? String == "1.1")
        #expect((doc?["files"] as? [Any])?.count == Self.specs.count)
    }
}
