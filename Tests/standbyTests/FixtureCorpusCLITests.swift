import Foundation
import Testing

/// The fixture corpus of invalid specs, through the binary: every file exits 1
/// (0 for the warning-only ones) and reports its expected code at its exact
/// line:column, quickly, without a crash.
@Suite struct FixtureCorpusCLI {
    struct Expectation: CustomTestStringConvertible, Sendable {
        var file: String
        var code: String
        var line: Int
        var column: Int
        var testDescription: String { "\(file): \(code) \(line):\(column)" }
    }

    static let folder = CLI.root.appendingPathComponent("Tests/StandbyKitTests/Fixtures")

    /// The primary expectation of every fixture: its first `# expect: CODE L:C`
    /// line, or its line in `expectations.txt` for files that cannot hold one.
    static func expectations(in subfolder: String) -> [Expectation] {
        let dir = folder.appendingPathComponent(subfolder)
        var table: [String: Expectation] = [:]
        if let text = try? String(contentsOf: dir.appendingPathComponent("expectations.txt"), encoding: .utf8) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                if parts.count == 3, let e = parse(file: String(parts[0]), code: parts[1], at: parts[2]),
                    table[e.file] == nil
                {
                    table[e.file] = e
                }
            }
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".yaml") && table[file] == nil {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(file).path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n") {
                let l = line.hasSuffix("\r") ? line.dropLast() : line
                guard l.hasPrefix("# expect: ") else { continue }
                let parts = l.dropFirst("# expect: ".count).split(separator: " ")
                if parts.count == 2, let e = parse(file: file, code: parts[0], at: parts[1]) {
                    table[file] = e
                    break
                }
            }
        }
        return table.values.sorted { $0.file < $1.file }
    }

    static func parse(file: String, code: Substring, at position: Substring) -> Expectation? {
        let lc = position.split(separator: ":")
        guard lc.count == 2, let line = Int(lc[0]), let column = Int(lc[1]) else { return nil }
        return Expectation(file: file, code: String(code), line: line, column: column)
    }

    @Test func corpusIsLargeAndComplete() {
        let invalid = Self.expectations(in: "invalid")
        #expect(invalid.count >= 40)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.folder.appendingPathComponent("invalid").path)) ?? []
        #expect(invalid.count == files.filter { $0.hasSuffix(".yaml") }.count, "a fixture without an expectation")
    }

    @Test(arguments: expectations(in: "invalid"))
    func invalidSpecExitsOneAtItsPosition(_ e: Expectation) throws {
        try check(e, folder: "invalid", status: 1)
    }

    @Test(arguments: expectations(in: "warnings"))
    func warningSpecExitsZeroAndOneWithStrict(_ e: Expectation) throws {
        try check(e, folder: "warnings", status: 0)
        let path = Self.folder.appendingPathComponent("warnings/\(e.file)").path
        #expect(try CLI.run(["validate", "--strict", path]).status == 1)
    }

    func check(_ e: Expectation, folder: String, status: Int32) throws {
        let path = Self.folder.appendingPathComponent("\(folder)/\(e.file)").path
        let r = try CLI.run(["validate", "--diagnostics-format", "json", path])
        #expect(r.status == status, "\(r.out)")
        let doc = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any]
        let diagnostics = doc?["diagnostics"] as? [[String: Any]] ?? []
        #expect(
            diagnostics.contains {
                $0["code"] as? String == e.code && $0["line"] as? Int == e.line && $0["column"] as? Int == e.column
            }, "\(diagnostics.map { "\($0["code"] ?? "") \($0["line"] ?? ""):\($0["column"] ?? "")" })")
        // The text form points at the same place.
        let text = try CLI.run(["validate", path])
        #expect(text.err.contains("\(path):\(e.line):\(e.column): "))
        #expect(text.err.contains("[\(e.code)]"))
    }

    @Test func oneMegabyteOfOpenBrackets() throws {
        let r = try CLI.run(["validate", "-"], stdin: Data(repeating: UInt8(ascii: "["), count: 1 << 20))
        #expect(r.status == 1)
        #expect(r.err.contains("<stdin>:1:65: error:"))
        #expect(r.err.contains("[nesting-too-deep]"))
    }

    @Test func tenThousandNestedMappings() throws {
        var text = ""
        for i in 0..<10_000 { text += String(repeating: " ", count: i) + "k:\n" }
        let r = try CLI.run(["validate", "-"], stdin: Data(text.utf8))
        #expect(r.status == 1)
        #expect(r.err.contains("[nesting-too-deep]"))
    }

    @Test func sumOfManyHugeSizesIsAnErrorNotATrap() throws {
        var spec = "version: 1\nmachines:\n  - name: m\n    memory: 7Ei\n    monitor: 1Mi\n    oses:\n"
        for i in 0..<64 {
            spec += "      - {name: o\(i), role: active, memory: 7Ei, kernel: 1Mi}\n"
        }
        let r = try CLI.run(["plan", "-"], stdin: Data(spec.utf8))
        #expect(r.status == 1)
        #expect(r.err.contains("[machine-overcommitted]"))
    }
}
