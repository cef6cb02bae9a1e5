import Foundation
import PropertyBased
import Testing

@testable import StandbyKit

/// Decodes `text`, fixes it and writes the fix into it.
private func fixText(_ text: String) throws -> (advice: Advice, result: SpecEditor.Result) {
    let bytes = Array(text.utf8)
    let (spec, diagnostics) = SpecDecoder.decode(bytes)
    #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))")
    let decoded = try #require(spec)
    guard case .success(let advice) = LeastMemory.fix(decoded) else {
        Issue.record("no fix")
        throw CancellationError()
    }
    return (advice, SpecEditor.apply(advice, to: bytes))
}

/// The lines of `a` that are not in `b` at the same place, and those of `b` not in `a`.
private func changedLines(_ a: String, _ b: String) -> (removed: [String], added: [String]) {
    let diff = b.split(separator: "\n", omittingEmptySubsequences: false)
        .difference(from: a.split(separator: "\n", omittingEmptySubsequences: false))
    var removed: [String] = []
    var added: [String] = []
    for change in diff {
        switch change {
        case .remove(_, let line, _): removed.append(String(line))
        case .insert(_, let line, _): added.append(String(line))
        }
    }
    return (removed, added)
}

private func examplesURL() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")
}

@Suite struct SpecEditorTests {
    @Test func theWorkedExampleChangesOnlyTheMachinesMemory() throws {
        let text = try String(contentsOf: examplesURL().appendingPathComponent("patent-fig4.yaml"), encoding: .utf8)
        let (_, result) = try fixText(text)
        #expect(result.left.isEmpty)
        let edited = String(decoding: result.text, as: UTF8.self)
        let (removed, added) = changedLines(text, edited)
        #expect(removed == ["    memory: 256Mi"])
        #expect(added == ["    memory: 384Mi"])
        #expect(edited.hasPrefix("# yaml-language-server: $schema=../schemas/spec.schema.json\n"))
        // The edited spec plans covered.
        let (spec, _) = SpecLoader.load(result.text)
        let decoded = try #require(spec)
        let compiled = try #require(Compiler.compile(decoded).0)
        #expect(Planner.plan(compiled).covered)
    }

    @Test func quotesAndFlowStyleAreKept() throws {
        let text = """
            version: 1
            machines:
              - {name: vms50, memory: "256Mi", monitor: 32Mi, oses: [{name: active, role: active, memory: 160Mi, kernel: 32Mi, standby: standby, jobs: [{name: A, memory: 128Mi, hot_standby: true}, {name: B, memory: 32Mi}]}, {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}]}

            """
        let (_, result) = try fixText(text)
        #expect(result.left.isEmpty)
        #expect(String(decoding: result.text, as: UTF8.self) == text.replacingOccurrences(of: "\"256Mi\"", with: "\"384Mi\""))
    }

    /// A memory two machines merge from one anchor is not changed under the
    /// machine that does not need it: the short one gets its own key.
    @Test func aSharedAnchorGetsAnOverrideAtTheUse() throws {
        let text = Self.sharedAnchorText
        let (advice, result) = try fixText(text)
        #expect(advice.machines.map(\.machine) == ["short"])
        #expect(result.left.isEmpty)
        let edited = String(decoding: result.text, as: UTF8.self)
        let (removed, added) = changedLines(text, edited)
        #expect(removed.isEmpty)
        #expect(added == ["    memory: \(Quantity.literal(advice.fixed.machines[1].memory))"])
        #expect(edited.contains("    memory: 512Mi   # shared\n"))
    }

    /// The same, the short machine's name its last line: the key goes at the end.
    static let sharedAnchorNameLastText = """
            version: 1
            machines:
              - &big
                name: ok
                memory: 512Mi
                monitor: 32Mi
                oses:
                  - {name: active, role: active, memory: 160Mi, kernel: 32Mi, standby: standby, jobs: [{name: A, memory: 128Mi, hot_standby: true}, {name: B, memory: 32Mi}]}
                  - {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}
              - <<: *big
                oses:
                  - {name: active, role: active, memory: 160Mi, kernel: 32Mi, standby: standby, jobs: [{name: A, memory: 400Mi, hot_standby: true}]}
                  - {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}
                name: short

            """

    static let sharedAnchorText = """
            version: 1
            machines:
              - &big  # two machines alike
                name: ok
                memory: 512Mi   # shared
                monitor: 32Mi
                oses:
                  - {name: active, role: active, memory: 160Mi, kernel: 32Mi, standby: standby, jobs: [{name: A, memory: 128Mi, hot_standby: true}, {name: B, memory: 32Mi}]}
                  - {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}
              - <<: *big
                name: short
                oses:
                  - {name: active, role: active, memory: 160Mi, kernel: 32Mi, standby: standby, jobs: [{name: A, memory: 400Mi, hot_standby: true}]}
                  - {name: standby, role: standby, memory: 32Mi, kernel: 32Mi}

            """

    @Test func aSharedAnchorInFlowStyleIsLeftWithTheReason() throws {
        let text = """
            version: 1
            x-m: &m {memory: 256Mi, monitor: 32Mi}
            machines:
              - {<<: *m, name: a, oses: [{name: s, role: standby, memory: 32Mi, kernel: 32Mi}, {name: p, role: active, memory: 64Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 32Mi, hot_standby: true}]}]}
              - {<<: *m, name: b, oses: [{name: s, role: standby, memory: 32Mi, kernel: 32Mi}, {name: p, role: active, memory: 64Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 300Mi, hot_standby: true}]}]}

            """
        // `x-` keys are the place for anchors; a plain `x` is refused, so this
        // spec is written with the key the format takes once it does.
        guard SpecLoader.load(Array(text.utf8)).0 != nil else { return }
        let (_, result) = try fixText(text)
        #expect(result.left.count == 1)
        #expect(result.left.first?.reason.contains("flow-style mapping") == true)
        #expect(result.text == Array(text.utf8))
    }

    /// The diff of a replaced value and of an inserted key, in every line
    /// break style (LF, CR LF, a lone CR) with and without a break at the end,
    /// applies with `git apply` and with `patch -p1` and gives exactly the
    /// edited bytes.
    @Test(arguments: ["\n", "\r\n", "\r"], [true, false])
    func theDiffAppliesInEveryLineBreakStyle(lineBreak: String, finalBreak: Bool) throws {
        let example = try String(contentsOf: examplesURL().appendingPathComponent("patent-fig4.yaml"), encoding: .utf8)
        // A value replaced; a key inserted mid-text; a key inserted after the last line.
        for (inserting, original) in [(false, example), (true, Self.sharedAnchorText), (true, Self.sharedAnchorNameLastText)] {
            var text = original
            while !finalBreak && text.hasSuffix("\n") { text.removeLast() }
            let bytes = Array(text.utf8).flatMap { $0 == 0x0A ? Array(lineBreak.utf8) : [$0] }
            let (spec, diagnostics) = SpecDecoder.decode(bytes)
            #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))")
            guard let spec, case .success(let advice) = LeastMemory.fix(spec) else {
                Issue.record("no fix")
                continue
            }
            let result = SpecEditor.apply(advice, to: bytes)
            #expect(result.left.isEmpty)
            #expect(result.text != bytes)
            #expect(SpecEditor.Splice.apply(result.splices, to: bytes) == result.text)
            let diff = UnifiedDiff.render(path: "spec.yaml", source: bytes, splices: result.splices)
            // Each line of the hunks, with "\n" when it has its line feed.
            let split = String(decoding: diff, as: UTF8.self).split(separator: "\n").dropFirst(2).map(String.init)
            var lines: [String] = []
            for (i, line) in split.enumerated() where !line.hasPrefix("\\") {
                lines.append(i + 1 < split.count && split[i + 1].hasPrefix("\\ No newline") ? line : line + "\n")
            }
            let removed = lines.filter { $0.hasPrefix("-") }.map { $0.dropFirst() }
            let added = lines.filter { $0.hasPrefix("+") }.map { $0.dropFirst() }
            // No line shows as removed and added unchanged.
            #expect(Set(removed).isDisjoint(with: Set(added)), "\(String(decoding: diff, as: UTF8.self))")
            if inserting && lineBreak != "\r" && finalBreak {
                #expect(removed.isEmpty, "an inserted key removes nothing")
            }
            // A last line without a line feed (a lone CR is none) is marked.
            let marked = String(decoding: diff, as: UTF8.self).contains("\n\\ No newline at end of file\n")
            // (The worked example's change is far from its end; the inserted keys near it.)
            if lineBreak == "\r" || (!finalBreak && inserting) { #expect(marked) }
            if lineBreak != "\r" && finalBreak { #expect(!marked) }
            for tool in PatchTool.allCases {
                let applied = try tool.apply(diff, to: bytes)
                #expect(applied == result.text, "\(tool) \(inserting): \(String(decoding: diff, as: UTF8.self))")
            }
        }
    }

    /// The diff of a replaced value (the worked example, with no newline at
    /// its end), of an inserted key, and of a block scalar in a file whose
    /// earlier lines end in NEL and LS (libyaml's line breaks, not `patch`'s)
    /// applies with `patch` and gives the edited text.
    @Test(arguments: ["replace", "insert", "breaks"]) func theDiffAppliesWithPatch(_ form: String) throws {
        var text = try String(contentsOf: examplesURL().appendingPathComponent("patent-fig4.yaml"), encoding: .utf8)
        let inserting = form == "insert"
        switch form {
        case "insert":
            text = text.replacingOccurrences(of: "  - name: vms50\n", with: "  - &m\n    name: vms50\n")
            text += "  - <<: *m\n    name: twin\n"
        case "breaks":
            text = text.replacingOccurrences(of: "version: 1\n", with: "version: 1\u{85}# after a NEL\u{2028}")
            text = text.replacingOccurrences(of: "    memory: 256Mi\n", with: "    memory: >-\n      256Mi\n")
            #expect(text.contains(">-\n      256Mi\n") && text.contains("\u{85}"))
        default:
            text = String(text.dropLast())
        }
        let (advice, result) = try fixText(text)
        #expect(!result.changes.isEmpty)
        #expect(result.left.isEmpty, "\(result.left.map(\.reason))")
        #expect(advice.machines.count == (inserting ? 2 : 1))
        let diff = UnifiedDiff.render(path: "spec.yaml", source: Array(text.utf8), splices: result.splices)
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/patch"), "patch(1) is needed")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("standby-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(text.utf8).write(to: dir.appendingPathComponent("spec.yaml"))
        let patch = Process()
        patch.executableURL = URL(fileURLWithPath: "/usr/bin/patch")
        patch.arguments = ["-p1", "-s", "-d", dir.path]
        let input = Pipe()
        patch.standardInput = input
        try patch.run()
        input.fileHandleForWriting.write(Data(diff))
        try input.fileHandleForWriting.close()
        patch.waitUntilExit()
        #expect(patch.terminationStatus == 0, "\(String(decoding: diff, as: UTF8.self))")
        #expect(try Data(contentsOf: dir.appendingPathComponent("spec.yaml")) == Data(result.text))
    }

    /// Random specs written in a mix of styles, squeezed and fixed: the edited
    /// text decodes to the advised sizes, keeps every comment, and differs
    /// from the original only in the lines of the changed values and the keys
    /// added for values merged from another machine.
    ///
    /// With `reclaim` (`standby fix --reclaim`) the values written are the
    /// least layout: every machine at the fluid total its plan states and
    /// every standby at its minimum (or at an allocation below its floor,
    /// which start-up makes the floor), lowered or raised; no machine changes
    /// through a value another machine reads by an anchor.
    @Test(arguments: [false, true]) func editsKeepEveryCommentAndChangeOnlyTheAdvisedValues(reclaim: Bool) async {
        await propertyCheck(count: 500, input: writtenSpecs()) { written in
            let (spec, text) = written
            let (decoded, diagnostics) = SpecDecoder.decode(Array(text.utf8))
            guard let decoded, !diagnostics.hasErrors else {
                Issue.record("the written spec does not decode: \(diagnostics.all.map(\.message))\n\(text)")
                return
            }
            #expect(sizes(decoded) == sizes(spec))
            guard case .success(let advice) = reclaim ? LeastMemory.reclaim(decoded) : LeastMemory.fix(decoded) else {
                Issue.record("no fix")
                return
            }
            let result = SpecEditor.apply(advice, to: Array(text.utf8))
            #expect(result.left.isEmpty, "\(result.left.map(\.reason))")
            let edited = String(decoding: result.text, as: UTF8.self)
            let (again, _) = SpecDecoder.decode(result.text)
            #expect(again.map(sizes) == sizes(advice.fixed))
            if reclaim, let again, let compiled = Compiler.compile(again).0 {
                // Exactly the least layout: the figures the edited spec plans to.
                let plan = Planner.plan(compiled)
                for (m, machine) in plan.machines.enumerated() {
                    #expect(machine.memory == machine.fluidTotal, "\(machine.name)")
                    for (figure, os) in zip(machine.standbys, again.machines[m].oses.filter { $0.role == .standby }) {
                        #expect(os.memory == figure.minimum || (os.memory < figure.minimum && figure.allocated == figure.minimum))
                    }
                }
                #expect(plan.cases.allSatisfy { $0.shortfall == 0 })
            } else if reclaim {
                Issue.record("the reclaimed spec does not compile")
            }
            let comments = text.split(separator: "\n").compactMap { line -> String? in
                guard let at = line.firstRange(of: "# c") else { return nil }
                return String(line[at.lowerBound...])
            }
            for comment in comments {
                #expect(edited.contains(comment + "\n"), "\(comment) is gone")
            }
            // The edited text is the original with exactly the changes' lines
            // replaced (a line diff could pair equal lines either way), and
            // every line a change touches or adds is a `memory` key.
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for change in result.changes.reversed() {
                #expect(Array(lines[change.line..<change.line + change.removed.count]) == change.removed)
                lines.replaceSubrange(change.line..<change.line + change.removed.count, with: change.added)
            }
            #expect(lines.joined(separator: "\n") == edited)
            for change in result.changes {
                // A line that changes holds a memory value; a line that is added is a memory key.
                for (old, new) in zip(change.removed, change.added) where old != new {
                    #expect(old.contains("memory: ") && new.contains("memory: "), "\(old) → \(new)")
                }
                for new in change.added.dropFirst(change.removed.count) { #expect(new.contains("memory: "), "\(new)") }
            }
        }
    }
}

private func sizes(_ spec: Spec) -> [[Int]] {
    spec.machines.map { m in
        [m.memory, m.monitor, m.granule, m.reserve]
            + m.oses.flatMap { os in [os.memory, os.kernel] + os.jobs.flatMap { [$0.memory, $0.standbyMemory] } }
    }
}

private func writtenSpecs() -> Generator<(Spec, String), Shrink.None<(Spec, String)>> {
    Generator { rng in writtenSpec(using: &rng) }
}

private func writtenSpec<R: RandomNumberGenerator>(using rng: inout R) -> (Spec, String) {
    let spec = squeezedRandomSpec(using: &rng)
    return (spec, SpecText.write(spec, using: &rng))
}

/// The two programs that apply a unified diff.
enum PatchTool: String, CaseIterable, CustomStringConvertible {
    case git, patch

    var description: String { rawValue }

    /// `text` written as `spec.yaml` in a fresh folder, `diff` applied there
    /// (`git apply`, `patch -p1`), and what the file then holds.
    func apply(_ diff: [UInt8], to text: [UInt8]) throws -> [UInt8] {
        let program = self == .git ? "/usr/bin/git" : "/usr/bin/patch"
        try #require(FileManager.default.isExecutableFile(atPath: program), "\(program) is needed")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("standby-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("spec.yaml")
        try Data(text).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = self == .git ? ["apply", "-"] : ["-p1", "-s", "--binary"]
        process.currentDirectoryURL = dir
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(diff))
        try input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(self): \(String(decoding: message, as: UTF8.self))")
        return Array(try Data(contentsOf: file))
    }
}
