import Foundation
import Testing

// The README's "Using StandbyKit" program is examples/library/main.swift, which
// the package builds as its `library-example` target (so a change of the
// library that breaks it fails the build). These tests keep the README's copy
// of the file and of its output the same as the file and what the built program
// prints. scripts/check-library-example builds the same file as a user's own
// package that depends on this checkout by path (a CI step: a nested build is
// too slow for `swift test`).

private let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The lines of the README between the line starting `<!-- begin` and the
/// next `<!-- end`, without the code fence around them.
private func readmeBlock(after begin: String) throws -> String {
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex { $0.hasPrefix(begin) }, "no \(begin) in README.md")
    let end = try #require(lines[start...].firstIndex { $0.hasPrefix("<!-- end ") }, "no end after \(begin)")
    let inner = lines[(start + 1)..<end]
    try #require(inner.count >= 2 && inner.first?.hasPrefix("```") == true && inner.last == "```")
    return inner.dropFirst().dropLast().map { $0 + "\n" }.joined()
}

/// The `library-example` executable beside the test bundle (`swift test`
/// builds it: this target depends on it).
private func exampleBinary() throws -> URL {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("library-example")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    let built = root.appendingPathComponent(".build/debug/library-example")
    try #require(FileManager.default.isExecutableFile(atPath: built.path), "library-example is not built")
    return built
}

@Suite struct ReadmeExample {
    @Test func theReadmeShowsTheExampleFileAsItIs() throws {
        let file = try String(contentsOf: root.appendingPathComponent("examples/library/main.swift"), encoding: .utf8)
        #expect(try readmeBlock(after: "<!-- library-example:") == file)
    }

    @Test func theExamplePrintsWhatTheReadmeSays() throws {
        let process = Process()
        process.executableURL = try exampleBinary()
        process.currentDirectoryURL = root
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let printed = String(decoding: data, as: UTF8.self)
        #expect(printed == (try readmeBlock(after: "<!-- library-example-output")))
        // What the worked example is known to give (docs/planning.md), not only what the README says.
        #expect(printed.hasPrefix("fluid total: 384 MiB\nevery case covered: no\nnot covered: vms50/memory/active\n"))
        #expect(printed.contains("fix: machines/vms50/memory 256 MiB -> 384 MiB\n"))
        #expect(printed.contains("-    memory: 256Mi\n+    memory: 384Mi\n"))
    }
}
