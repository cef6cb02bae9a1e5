import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Input and output faults: every one ends with a message and the documented
/// status, never a crash, a partial file or a touched existing file.
@Suite struct IOFaults {
    @Test func missingFile() throws {
        let r = try CLI.run(["validate", "no/such/spec.yaml"])
        #expect(r.status == 66)
        #expect(r.err == "standby: error: cannot read 'no/such/spec.yaml': No such file or directory\n")
    }

    /// A path from the command line is shown with its control characters
    /// escaped: an escape sequence in a file name cannot recolour the terminal.
    @Test func controlCharactersInAPathAreEscaped() throws {
        let r = try CLI.run(["validate", "no/such/\u{1B}[31mred.yaml"])
        #expect(r.status == 66)
        #expect(r.err == "standby: error: cannot read 'no/such/\\u{1B}[31mred.yaml': No such file or directory\n")
    }

    @Test func directory() throws {
        let r = try CLI.run(["compile", "examples"])
        #expect(r.status == 66)
        #expect(r.err.contains("cannot read 'examples': it is a directory"))
    }

    @Test func unreadableFile() throws {
        // Root reads any file whatever its mode; /proc/self/mem fails to read at
        // offset 0 for everyone, which is the same fault seen from the tool.
        let path: String
        if getuid() == 0 {
            path = "/proc/self/mem"
        } else {
            let dir = try CLI.temporaryFolder()
            path = dir.appendingPathComponent("locked.yaml").path
            try Data("version: 1\n".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0)
        }
        let r = try CLI.run(["validate", path])
        #expect(r.status == 66)
        #expect(r.err.hasPrefix("standby: error: cannot read '\(path)'"))
    }

    @Test func outputInMissingFolder() throws {
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent("missing/out.json").path
        let r = try CLI.run(["compile", "examples/patent-fig4.yaml", "--format", "json", "-o", target])
        #expect(r.status == 74)
        #expect(r.err.contains("cannot write '\(target)'"))
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func outputInReadOnlyFolder() throws {
        // Root writes into any folder whatever its mode; /proc takes no new files
        // from anyone.
        let folder: String
        if getuid() == 0 {
            folder = "/proc"
        } else {
            let dir = try CLI.temporaryFolder()
            chmod(dir.path, 0o555)
            folder = dir.path
        }
        let target = folder + "/standby-out.json"
        let r = try CLI.run(["compile", "examples/patent-fig4.yaml", "-o", target])
        #expect(r.status == 74)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func existingFileUntouchedWhenTheSpecHasErrors() throws {
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent("table.txt")
        try Data("previous report\n".utf8).write(to: target)
        let r = try CLI.run(["compile", "-", "-o", target.path], stdin: Data("version: 1\nmachines: 3\n".utf8))
        #expect(r.status == 1)
        #expect(try Data(contentsOf: target) == Data("previous report\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["table.txt"])
    }

    @Test func folderAsOutputIsRefused() throws {
        // The target is a folder: refused before any temporary file is made.
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let r = try CLI.run(["compile", "examples/patent-fig4.yaml", "-o", target.path])
        #expect(r.status == 74)
        #expect(r.err == "standby: error: cannot write '\(target.path)': it is a directory\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report"])
    }

    @Test func outputFileEqualsStandardOutput() throws {
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent("table.csv")
        let toFile = try CLI.run(["compile", "examples/patent-fig4.yaml", "--format", "csv", "-o", target.path])
        let toStdout = try CLI.run(["compile", "examples/patent-fig4.yaml", "--format", "csv", "-o", "-"])
        #expect(toFile.status == 0 && toStdout.status == 0)
        #expect(toFile.stdout.isEmpty)
        #expect(try Data(contentsOf: target) == toStdout.stdout)
    }

    @Test func closedPipeEndsQuietly() throws {
        // Read a few bytes of a long report and close the pipe, as `| head -c 10` does.
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["compile", "-", "--states", "all", "--format", "csv"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(Self.largeSpec.utf8))
        try input.fileHandleForWriting.close()
        _ = try output.fileHandleForReading.read(upToCount: 10)
        try output.fileHandleForReading.close()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(err.isEmpty)
    }

    /// One machine with 400 jobs: `--states all` prints about 80,000 rows.
    static let largeSpec: String = {
        var s = "version: 1\nmachines:\n  - name: m\n    memory: 64Gi\n    monitor: 1Gi\n    oses:\n"
        s += "      - name: a\n        role: active\n        memory: 32Gi\n        kernel: 1Gi\n        jobs:\n"
        for i in 0..<400 { s += "          - {name: j\(i), memory: 64Mi}\n" }
        return s
    }()
}

@Suite struct Usage {
    @Test(arguments: [
        ["validate"],
        ["compile", "examples/patent-fig4.yaml", "--format", "html"],
        ["compile", "examples/patent-fig4.yaml", "--bogus"],
        ["compile", "examples/patent-fig4.yaml", "--unit", "parsecs"],
        ["validate", "--max-depth", "0", "examples/patent-fig4.yaml"],
    ])
    func badCommandLinesExit64(_ arguments: [String]) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 64, "\(arguments): \(r.err)")
        #expect(!r.err.isEmpty)
    }
}

@Suite struct Limits {
    @Test func inputSize() throws {
        let r = try CLI.run(["validate", "--max-input-bytes", "100", "examples/patent-fig4.yaml"])
        #expect(r.status == 1)
        #expect(r.err.contains("examples/patent-fig4.yaml:1:1: error:"))
        #expect(r.err.contains("[input-too-large]"))
        #expect(r.err.contains("--max-input-bytes"))
    }

    @Test func depth() throws {
        let r = try CLI.run(["validate", "--max-depth", "3", "examples/patent-fig4.yaml"])
        #expect(r.status == 1)
        #expect(r.err.contains("[nesting-too-deep]"))
        #expect(r.err.contains("--max-depth"))
    }

    @Test func aliases() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        let r = try CLI.run(["validate", "-"], stdin: Data(text.utf8))
        #expect(r.status == 1)
        #expect(r.err.contains("[alias-budget]"))
        #expect(r.err.contains("--max-alias-nodes"))
    }
}
