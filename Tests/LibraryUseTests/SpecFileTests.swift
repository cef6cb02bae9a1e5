import Foundation
import StandbyKit
import Testing

// The front door, `SpecFile`, as a library user calls it: values back, and
// failures as values that carry the diagnostics.

private let examplePath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples/patent-fig4.yaml").path

@Suite struct FrontDoor {
    @Test func aPathAndItsBytesLoadTheSame() throws {
        let fromPath = try SpecFile.load(path: FilePath(examplePath)).get()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: examplePath)))
        let fromBytes = try SpecFile.load(bytes: bytes, path: "fig4.yaml").get()
        #expect(fromPath.source.bytes == bytes)
        #expect(fromPath.source.path == examplePath)
        #expect(fromBytes.source.path == "fig4.yaml")
        #expect(fromPath.spec == fromBytes.spec)
        #expect(fromPath.plan().totals.fluidTotal == 384 << 20)
    }

    @Test func aFileThatIsNotThereIsUnreadable() {
        let missing = FilePath(examplePath + ".missing")
        guard case .failure(let error) = SpecFile.load(path: missing) else {
            Issue.record("a missing file loaded")
            return
        }
        guard case .unreadable(let path, let reason) = error else {
            Issue.record("not unreadable: \(error)")
            return
        }
        #expect(path == examplePath + ".missing")
        #expect(reason == "No such file or directory")
        #expect(error.description == "cannot read '\(examplePath).missing': No such file or directory")
        #expect(error.diagnostics.isEmpty)
    }

    @Test func aFolderIsUnreadable() {
        let folder = URL(fileURLWithPath: examplePath).deletingLastPathComponent().path
        guard case .failure(.unreadable(_, let reason)) = SpecFile.load(path: FilePath(folder)) else {
            Issue.record("a folder did not fail as unreadable")
            return
        }
        #expect(reason == "Is a directory")
    }

    @Test func aSpecWithErrorsFailsWithLocatedDiagnostics() {
        let result = SpecFile.load(bytes: Array("version: 1\nmachines: 3\n".utf8), path: "bad.yaml")
        guard case .failure(let error) = result, case .invalid(let source, let diagnostics) = error else {
            Issue.record("a bad spec loaded")
            return
        }
        #expect(source.path == "bad.yaml")
        #expect(diagnostics.hasErrors)
        #expect(error.diagnostics == diagnostics)
        #expect(error.description.hasPrefix("bad.yaml:2:"))
    }

    @Test func aFileOverTheLimitIsReadOnlyToTheLimitAndRefused() throws {
        let limits = YAMLLimits(maxInputBytes: 100)
        guard case .failure(.invalid(let source, let diagnostics)) = SpecFile.load(path: FilePath(examplePath), limits: limits)
        else {
            Issue.record("a file over the limit loaded")
            return
        }
        #expect(source.bytes.count == 101)
        #expect(diagnostics.all.contains { $0.code == .inputTooLarge })
    }

    @Test func theFixIsWrittenIntoTheText() throws {
        let spec = try SpecFile.load(path: FilePath(examplePath)).get()
        let fix = try spec.fix().get()
        #expect(!fix.isEmpty)
        #expect(fix.left.isEmpty)
        #expect(fix.advice.isProven)
        #expect(fix.unifiedDiff.contains("-    memory: 256Mi\n+    memory: 384Mi\n"))
        // The fixed text loads, covers every case and needs no further change.
        let fixed = try SpecFile.load(bytes: fix.text, path: "fixed.yaml").get()
        #expect(fixed.plan().covered)
        let again = try fixed.fix().get()
        #expect(again.isEmpty)
        #expect(again.unifiedDiff.isEmpty)
        #expect(again.text == fix.text)
    }

    @Test func aSpecWhoseJobsCannotStartIsFixedFromItsBytes() throws {
        // The worked example with too little memory for its OSes to start.
        let text = try String(contentsOf: URL(fileURLWithPath: examplePath), encoding: .utf8)
        let short = Array(text.replacingOccurrences(of: "memory: 256Mi", with: "memory: 128Mi").utf8)
        guard case .failure(.invalid(_, let diagnostics)) = SpecFile.load(bytes: short, path: "short.yaml") else {
            Issue.record("a spec whose jobs cannot start loaded")
            return
        }
        #expect(diagnostics.hasErrors)
        let fix = try SpecFile.fix(bytes: short, path: "short.yaml").get()
        #expect(fix.advice.isProven)
        #expect(fix.unifiedDiff.contains("-    memory: 128Mi\n+    memory: 384Mi\n"))
        // The fix is the one the spec with its original memory gets: the
        // least memory does not depend on what the spec stated.
        let loaded = try SpecFile.load(path: FilePath(examplePath)).get()
        let targets = { (fix: SpecFix) in fix.advice.machines.flatMap(\.edits).map { "\($0.target) \($0.to)" } }
        #expect(targets(fix) == targets(try loaded.fix().get()))
        // The fixed text loads and covers every case; from a path, the same.
        #expect(try SpecFile.load(bytes: fix.text, path: "fixed.yaml").get().plan().covered)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("standby-short-\(getpid()).yaml")
        try Data(short).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try SpecFile.fix(path: FilePath(file.path)).get().text == fix.text)
        // Bytes that do not decode fail with the decoder's located errors.
        guard case .failure(.invalid(_, let errors)) = SpecFile.fix(bytes: Array("version: [".utf8)) else {
            Issue.record("bytes that do not decode were fixed")
            return
        }
        #expect(errors.hasErrors)
    }

    @Test func theDiffOfTheFixShowsTheCaseCovered() throws {
        let old = try SpecFile.load(path: FilePath(examplePath)).get()
        let new = try SpecFile.load(bytes: try old.fix().get().text, path: "fixed.yaml").get()
        let diff = old.diff(to: new)
        #expect(diff.regressions == 0)
        #expect(!diff.machines.isEmpty)
        #expect(old.diff(to: old).machines.isEmpty)
    }
}
