import Foundation
import Testing

/// The command line's manners: suggestions for mistyped names, formats per
/// command and from `-o`'s extension, and one style for every error.
@Suite struct CommandLineManners {
    static let example = "examples/patent-fig4.yaml"

    @Test(arguments: [
        (["pln", "x.yaml"], "plan"),
        (["compil", "x.yaml"], "compile"),
        (["valdate"], "validate"),
        (["plam", "--format", "json", "x.yaml"], "plan"),
    ])
    func mistypedSubcommandGetsASuggestion(_ arguments: [String], _ suggestion: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 64)
        #expect(r.err.hasPrefix("standby: error: unknown command '\(arguments[0])'; did you mean '\(suggestion)'?\n"), "\(r.err)")
        // ArgumentParser's usage line and hint stay.
        #expect(r.err.contains("Usage: standby <subcommand>"))
        #expect(r.err.contains("See 'standby --help'"))
    }

    @Test func unrelatedWordListsTheCommands() throws {
        let r = try CLI.run(["frobnicate", "x.yaml"])
        #expect(r.status == 64)
        #expect(r.err.hasPrefix("standby: error: unknown command 'frobnicate'; the commands are validate, compile, plan, fix, place, diff, tolerate, headroom, runway\n"))
    }

    @Test(arguments: [
        ("vms50/os/activ", "'vms50/os/active'"),
        ("vms5/os/active", "'vms50/os/active'"),
        ("vms50/job/A/sever", "'vms50/job/A/severe'"),
        ("vms50/machin", "'vms50/machine'"),
    ])
    func mistypedCaseGetsTheNearestIDs(_ id: String, _ suggestion: String) throws {
        let r = try CLI.run(["plan", Self.example, "--faults", "os,job,standby,memory,machine", "--case", id])
        #expect(r.status == 64)
        #expect(r.err.hasPrefix("standby: error: no case '\(id)' in this plan; did you mean \(suggestion)"), "\(r.err)")
    }

    @Test func farCaseShowsWhatIDsLookLike() throws {
        let r = try CLI.run(["plan", Self.example, "--case", "nothing-like-it"])
        #expect(r.status == 64)
        #expect(r.err.contains("case ids look like vms50/"))
        #expect(!r.err.contains("did you mean"))
    }

    /// The values listed under `--format` in a command's help, one a line
    /// (`text - aligned tables…`), up to the next option.
    static func formatValues(_ command: String) throws -> [String] {
        let help = try CLI.run([command, "--help"], environment: ["COLUMNS": "200"]).out
        let lines = help.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  --format <format>") }) else { return [] }
        var values: [String] = []
        for line in lines[(start + 1)...] {
            let words = line.split(separator: " ")
            guard line.hasPrefix("        "), words.count > 2, words[1] == "-" else { break }
            values.append(String(words[0]))
        }
        return values
    }

    @Test func eachHelpListsOnlyItsOwnFormats() throws {
        #expect(try Self.formatValues("compile") == ["text", "json", "csv", "markdown"])
        #expect(try Self.formatValues("plan") == ["text", "json", "csv", "markdown", "html", "sarif", "github"])
        #expect(try Self.formatValues("diff") == ["text", "json", "markdown", "sarif", "github"])
        #expect(try Self.formatValues("fix") == ["yaml", "diff"])
    }

    /// Every extension that names a format, as the file's content shows.
    @Test(arguments: [
        ("table.json", "json"), ("table.CSV", "csv"), ("table.md", "markdown"),
        ("table.markdown", "markdown"), ("table.txt", "text"), ("table.out", "text"), ("table", "text"),
    ])
    func compileFormatFollowsTheExtension(_ name: String, _ format: String) throws {
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent(name)
        let r = try CLI.run(["compile", Self.example, "-o", target.path])
        #expect(r.status == 0, "\(r.err)")
        let expected = try CLI.run(["compile", Self.example, "--format", format]).stdout
        #expect(try Data(contentsOf: target) == expected)
    }

    @Test(arguments: [("report.html", "html"), ("report.htm", "html"), ("plan.json", "json")])
    func planFormatFollowsTheExtension(_ name: String, _ format: String) throws {
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent(name)
        let r = try CLI.run(["plan", Self.example, "-o", target.path])
        #expect(r.status == 2, "\(r.err)")
        let expected = try CLI.run(["plan", Self.example, "--format", format]).stdout
        #expect(try Data(contentsOf: target) == expected)
    }

    @Test func explicitFormatAgreeingWithTheExtensionIsFine() throws {
        let dir = try CLI.temporaryFolder()
        let r = try CLI.run(["plan", Self.example, "--format", "html", "-o", dir.appendingPathComponent("r.HTML").path])
        #expect(r.status == 2, "\(r.err)")
    }

    @Test(arguments: [
        ["plan", example, "--format", "text", "-o", "r.html"],
        ["compile", example, "--format", "json", "-o", "table.csv"],
        ["plan", example, "--format", "markdown", "-o", "r.txt"],
    ])
    func contradictingFormatIsRefused(_ arguments: [String]) throws {
        let dir = try CLI.temporaryFolder()
        let r = try CLI.run(arguments, cwd: dir)
        #expect(r.status == 64)
        #expect(r.err.hasPrefix("standby: error: --format \(arguments[3]) contradicts the output's extension"), "\(r.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [])
    }

    @Test func compileRefusesAnHTMLOutput() throws {
        let dir = try CLI.temporaryFolder()
        let r = try CLI.run(["compile", CLI.path(Self.example), "-o", "table.html"], cwd: dir)
        #expect(r.status == 64)
        #expect(r.err.hasPrefix("standby: error: the output's extension '.html' means html, which this command does not write"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [])
    }

    /// Errors from ArgumentParser (unknown option, bad value, missing
    /// argument, failed validation) and from the command itself.
    @Test(arguments: [
        ["plan", example, "--formt", "json"],
        ["compile", example, "--unit", "parsecs"],
        ["plan"],
        ["validate", "--max-depth", "0", example],
        ["plan", example, "--faults", "os,disk"],
        ["plan", example, "--case", "x", "--format", "html"],
        ["compile", "no/such/spec.yaml"],
        ["compile", example, "-o", "/proc/standby-no-such-dir/x"],
        ["pln"],
    ])
    func everyErrorHasOneStyle(_ arguments: [String]) throws {
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.err.hasPrefix("standby: error: "), "\(r.err)")
        #expect(!r.err.contains("Error:"), "\(r.err)")
    }

    @Test func tooLargeInputReportsTheFilesSize() throws {
        let size = try #require(
            try FileManager.default.attributesOfItem(atPath: CLI.path(Self.example))[.size] as? Int)
        let r = try CLI.run(["validate", "--max-input-bytes", "100", Self.example])
        #expect(r.status == 1)
        #expect(r.err.contains("error: the input is \(size) bytes, more than the limit of 100 bytes [input-too-large]"), "\(r.err)")
    }

    @Test func tooLargePipeSaysOnlyMoreThanTheLimit() throws {
        let r = try CLI.run(["validate", "--max-input-bytes", "100", "-"], stdin: Data(repeating: 0x20, count: 5000))
        #expect(r.status == 1)
        #expect(r.err.contains("error: the input is more than the limit of 100 bytes [input-too-large]"), "\(r.err)")
    }

    /// A trailing slash asks for a folder, for the spec and for `-o` alike:
    /// a file named so is "not a directory", as the kernel says, and `-o` to a
    /// file's name with a slash writes nothing.
    @Test func aTrailingSlashOnAFileIsNotADirectory() throws {
        let read = try CLI.run(["validate", Self.example + "/"])
        #expect(read.status == 66)
        #expect(read.err == "standby: error: cannot read '\(Self.example)/': Not a directory\n", "\(read.err)")

        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("plan.txt").path
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: target))
        let write = try CLI.run(["plan", Self.example, "-o", target + "/"])
        #expect(write.status == 74)
        #expect(write.err == "standby: error: cannot write '\(target)/': Not a directory\n", "\(write.err)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "kept\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["plan.txt"])
    }

    /// The body of one function of the bash completion script.
    static func bashFunction(_ name: String, in script: String) -> String {
        guard let start = script.range(of: "\n\(name)() {\n") else { return "" }
        let rest = script[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n}\n")?.lowerBound ?? rest.endIndex)])
    }

    @Test func bashCompletionCompletesFiles() throws {
        let r = try CLI.run(["--generate-completion-script", "bash"])
        #expect(r.status == 0)
        let specFiles = "-fX '!*.@(yaml|yml|json)'"
        for command in ["validate", "compile", "plan"] {
            let body = Self.bashFunction("_standby_\(command)", in: r.out)
            #expect(body.contains(specFiles), "\(command): spec argument")
        }
        for command in ["compile", "plan"] {
            let body = Self.bashFunction("_standby_\(command)", in: r.out)
            let output = body.range(of: "'-o'|'--output')\n").map { body[$0.upperBound...].prefix { $0 != ";" } } ?? ""
            #expect(output.contains("__standby_add_completions -f"), "\(command): -o")
        }
    }
}
