import Foundation
import Testing

@Suite struct ValidateCLI {
    @Test(arguments: ["examples/patent-fig4.yaml", "examples/shared-standby.yaml", "examples/cross-machine.yaml"])
    func examplesAreValid(_ example: String) throws {
        let r = try CLI.run(["validate", example])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == "\(example): valid\n")
        #expect(r.err.isEmpty)
    }

    @Test func errorsAreLocatedInSwiftcStyle() throws {
        let spec = """
            version: 1
            machines:
              - name: m
                memroy: 256Mi
            """
        let r = try CLI.run(["validate", "-"], stdin: Data(spec.utf8))
        #expect(r.status == 1)
        #expect(r.err.contains("<stdin>:4:5: error: unknown key 'memroy'"))
        #expect(r.err.contains("[unknown-key]\n    memroy: 256Mi\n    ^\n"))
        #expect(r.err.contains("note: did you mean 'memory'?"))
        #expect(r.out.hasPrefix("<stdin>: "))
    }

    @Test func jsonDiagnosticsOnStandardOutput() throws {
        let r = try CLI.run(
            ["validate", "--diagnostics-format", "json", "-"], stdin: Data("version: 2\nmachines: []\n".utf8))
        #expect(r.status == 1)
        let doc = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any]
        #expect(doc?["format_version"] as? String == "1.0")
        let diagnostics = doc?["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { $0["code"] as? String == "unsupported-version" && $0["line"] as? Int == 1 })
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        let bad = Data("version: 1\nmachines: []\nextra: 1\n".utf8)
        let auto = try CLI.run(["validate", "-"], stdin: bad)
        #expect(!auto.err.contains("\u{1B}["))
        let always = try CLI.run(["validate", "--color", "always", "-"], stdin: bad)
        #expect(always.err.contains("\u{1B}["))
        let never = try CLI.run(["validate", "--color", "never", "-"], stdin: bad, environment: ["TERM": "xterm"])
        #expect(!never.err.contains("\u{1B}["))
    }

    @Test func strictTurnsWarningsIntoFailures() throws {
        // A size that is not a whole number of granules is rounded, with a warning.
        let spec = try String(contentsOfFile: CLI.path("examples/patent-fig4.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "kernel: 32Mi", with: "kernel: 31.5Mi")
        let lax = try CLI.run(["validate", "-"], stdin: Data(spec.utf8))
        #expect(lax.status == 0, "\(lax.err)")
        #expect(lax.err.contains("warning:"))
        let strict = try CLI.run(["validate", "--strict", "-"], stdin: Data(spec.utf8))
        #expect(strict.status == 1)
    }

    @Test func severalFilesOneReport() throws {
        let r = try CLI.run(["validate", "examples/patent-fig4.yaml", "examples/cross-machine.yaml"])
        #expect(r.status == 0)
        #expect(r.out.split(separator: "\n").count == 2)
    }
}
