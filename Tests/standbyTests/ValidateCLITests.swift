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
        #expect(doc?["format_version"] as? String == "1.1")
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
        // Each says why it failed: the warnings, made errors by --strict.
        #expect(strict.out.contains("(--strict makes warnings errors)"), "\(strict.out)")
        let plan = try CLI.run(["plan", "--strict", "-"], stdin: Data(spec.utf8))
        #expect(plan.status == 1)
        #expect(plan.err.contains("<stdin> has 2 warnings, which --strict makes errors; nothing written"), "\(plan.err)")
    }

    @Test func severalFilesOneReport() throws {
        let r = try CLI.run(["validate", "examples/patent-fig4.yaml", "examples/cross-machine.yaml"])
        #expect(r.status == 0)
        #expect(r.out.split(separator: "\n").count == 2)
    }
}

/// Colour on a real terminal: `script` gives the binary a pseudo-terminal.
@Suite struct TerminalColour {
    static let script = "/usr/bin/script"

    func runOnTerminal(_ environment: String) throws -> String {
        let dir = try CLI.temporaryFolder()
        let spec = dir.appendingPathComponent("bad.yaml")
        try Data("version: 1\nmachines: []\nextra: 1\n".utf8).write(to: spec)
        let command = "env -u NO_COLOR \(environment) '\(CLI.binary.path)' validate '\(spec.path)'"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.script)
        process.arguments = ["-qec", command, "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: script)))
    func colourOnATerminalUnlessNoColorOrDumb() throws {
        #expect(try runOnTerminal("TERM=xterm").contains("\u{1B}[1;31merror:"))
        #expect(try !runOnTerminal("TERM=xterm NO_COLOR=1").contains("\u{1B}["))
        #expect(try !runOnTerminal("TERM=dumb").contains("\u{1B}["))
    }
}

/// The README stays true: its spec example is a valid spec with the worked
/// example's figures.
@Suite struct ReadmeExample {
    @Test func specExampleIsValidAndPlansLikeTheWorkedExample() throws {
        let readme = try String(contentsOfFile: CLI.path("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```yaml\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let spec = Data(readme[start.upperBound..<end.lowerBound].utf8)
        let validate = try CLI.run(["validate", "--strict", "-"], stdin: spec)
        #expect(validate.status == 0, "\(validate.err)")
        let plan = try CLI.run(["plan", "-", "--faults", "os,job,standby"], stdin: spec)
        #expect(plan.out.contains("fluid 256 MiB vs duplicate 416 MiB: saves 160 MiB (38.5 %)"))
    }
}
