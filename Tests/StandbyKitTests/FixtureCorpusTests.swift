import Foundation
import Testing

@testable import StandbyKit

/// The fixture corpus: one file per rule and per hostile input.
///
/// `Fixtures/invalid/NAME.yaml` are specs that must be rejected; each starts
/// with one or more comment lines `# expect: CODE LINE:COL` (the first is the
/// primary: an error with that code at that position; the others are
/// diagnostics of any severity that must also be there). Inputs that cannot
/// hold a comment (binary, invalid UTF-8, empty, BOM-only, UTF-16, an error on
/// line 1) have their line in `Fixtures/invalid/expectations.txt` instead:
/// `FILE CODE LINE:COL`, with `#` comments. `Fixtures/warnings/NAME.yaml` are
/// valid specs, in the same format, whose expectations are warnings.
@Suite struct FixtureCorpusTests {
    struct Expectation: Hashable, CustomStringConvertible {
        var code: DiagnosticCode
        var location: StandbyKit.SourceLocation
        var description: String { "\(code) \(location.line):\(location.column)" }
    }

    struct Fixture: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var expectations: [Expectation]
        var testDescription: String { name }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Parses `CODE LINE:COL`.
    static func expectation(_ text: Substring) -> Expectation? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let position = parts[1].split(separator: ":")
        guard position.count == 2, let line = Int(position[0]), let column = Int(position[1]) else {
            return nil
        }
        return Expectation(
            code: DiagnosticCode(rawValue: String(parts[0])),
            location: StandbyKit.SourceLocation(line: line, column: column))
    }

    /// The leading `# expect:` lines of a fixture.
    static func headerExpectations(_ bytes: [UInt8]) -> [Expectation] {
        var result: [Expectation] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard line.hasPrefix("#") else { break }
            let prefix = "# expect: "
            if line.hasPrefix(prefix), let e = expectation(line.dropFirst(prefix.count)) {
                result.append(e)
            }
        }
        return result
    }

    /// `expectations.txt`: file name → its expectations, in order.
    static func table(in directory: URL) -> [String: [Expectation]] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("expectations.txt").path)
        else { return [:] }
        var table: [String: [Expectation]] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let space = trimmed.firstIndex(of: " "),
                let e = expectation(trimmed[trimmed.index(after: space)...].drop { $0 == " " })
            else { continue }
            table[String(trimmed[..<space]), default: []].append(e)
        }
        return table
    }

    static func fixtures(_ kind: String) -> [Fixture] {
        let directory = root.appendingPathComponent(kind)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let table = table(in: directory)
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            let bytes = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) ?? Data()
            let header = headerExpectations(Array(bytes))
            return Fixture(
                name: name, bytes: Array(bytes), expectations: header.isEmpty ? table[name] ?? [] : header)
        }
    }

    /// Loads, then compiles what loads.
    static func run(_ bytes: [UInt8], limits: YAMLLimits = .default) -> (Spec?, Diagnostics) {
        var (spec, diagnostics) = SpecLoader.load(bytes, limits: limits)
        if let loaded = spec {
            diagnostics.append(contentsOf: Compiler.compile(loaded).1)
        } else {
            spec = nil
        }
        return (spec, diagnostics)
    }

    static func has(_ e: Expectation, in diagnostics: [Diagnostic]) -> Bool {
        diagnostics.contains { $0.code == e.code && $0.location == e.location }
    }

    @Test(arguments: fixtures("invalid"))
    func invalidFixtureIsRejected(_ fixture: Fixture) throws {
        let primary = try #require(fixture.expectations.first, "\(fixture.name) has no expectation")
        let (_, diagnostics) = Self.run(fixture.bytes)
        let errors = diagnostics.all.filter { $0.severity == .error }
        #expect(Self.has(primary, in: errors), "expected error \(primary)\n\(describeDiagnostics(diagnostics))")
        for e in fixture.expectations.dropFirst() {
            #expect(Self.has(e, in: diagnostics.all), "expected \(e)\n\(describeDiagnostics(diagnostics))")
        }
    }

    @Test(arguments: fixtures("warnings"))
    func warningFixtureLoadsWithItsWarnings(_ fixture: Fixture) throws {
        #expect(!fixture.expectations.isEmpty, "\(fixture.name) has no expectation")
        let (spec, diagnostics) = Self.run(fixture.bytes)
        #expect(spec != nil, "\(describeDiagnostics(diagnostics))")
        let warnings = diagnostics.all.filter { $0.severity == .warning }
        for e in fixture.expectations {
            #expect(Self.has(e, in: warnings), "expected warning \(e)\n\(describeDiagnostics(diagnostics))")
        }
    }

    @Test func corpusCoversEveryCode() {
        let invalid = Self.fixtures("invalid")
        #expect(invalid.count >= 45)
        #expect(invalid.allSatisfy { !$0.expectations.isEmpty })
        let names = Set(invalid.map(\.name))
        for name in Self.table(in: Self.root.appendingPathComponent("invalid")).keys {
            #expect(names.contains(name), "expectations.txt names \(name), which is not there")
        }
        // input-too-large is generated below: a file over the limit would be 256 MiB.
        let errors: Set<DiagnosticCode> = [
            .yamlSyntax, .invalidEncoding, .nestingTooDeep, .aliasBudget, .undefinedAlias, .duplicateKey,
            .complexKey, .invalidMerge, .multipleDocuments, .unsupportedTag, .emptySpec, .unknownKey,
            .missingKey, .wrongType, .unsupportedVersion, .invalidSize, .sizeOutOfRange, .jobMemoryZero,
            .invalidPercentage, .invalidBoolean, .invalidName, .invalidReference, .invalidValue,
            .invalidGranule, .duplicateName, .reservedName, .unknownReference, .referenceNotStandby,
            .selfReference, .hotStandbyWithoutStandby, .hotStandbyOnStandbyOS, .kernelExceedsMemory,
            .monitorExceedsMemory, .reserveExceedsMemory, .machineOvercommitted, .noMachines, .noOSes,
            .jobCannotStart,
        ]
        let primaries = Set(invalid.compactMap(\.expectations.first?.code))
        #expect(errors.subtracting(primaries).isEmpty, "no fixture for \(errors.subtracting(primaries))")
        let warnings: Set<DiagnosticCode> = [
            .roundedSize, .duplicateFaultKind, .standbyOnStandbyOS, .unusedStandby,
            .machineFaultsUncoverable, .noFaults, .reserveExceedsPool, .ignoredStandbyMemory,
            .ignoredJobStandby,
        ]
        let covered = Set(Self.fixtures("warnings").flatMap { $0.expectations.map(\.code) })
        #expect(warnings.subtracting(covered).isEmpty, "no fixture for \(warnings.subtracting(covered))")
    }

    // MARK: - Generated hostile inputs (too large to commit)

    @Test func oneMebibyteOfOpenBrackets() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20)
        let (spec, diagnostics) = Self.run(bytes)
        #expect(spec == nil)
        let expected = Expectation(code: .nestingTooDeep, location: .init(line: 1, column: 65))
        #expect(Self.has(expected, in: diagnostics.all), "\(describeDiagnostics(diagnostics))")
    }

    @Test func tenThousandNestedBlockMappings() {
        // Line k (1-based) is k-1 spaces and "k:", so mapping k starts at line k, column k.
        let depth = 10_000
        var bytes = [UInt8](repeating: UInt8(ascii: " "), count: depth * (depth - 1) / 2 + 3 * depth)
        var end = 0
        for level in 0..<depth {
            end += level
            bytes[end] = UInt8(ascii: "k")
            bytes[end + 1] = UInt8(ascii: ":")
            bytes[end + 2] = UInt8(ascii: "\n")
            end += 3
        }
        let (spec, diagnostics) = Self.run(bytes)
        #expect(spec == nil)
        let expected = Expectation(code: .nestingTooDeep, location: .init(line: 65, column: 65))
        #expect(Self.has(expected, in: diagnostics.all), "\(describeDiagnostics(diagnostics))")
    }

    @Test func inputOverTheSizeLimit() {
        let bytes = Array("version: 1\nmachines: []\n".utf8)
        let (spec, diagnostics) = Self.run(bytes, limits: YAMLLimits(maxInputBytes: 16))
        #expect(spec == nil)
        #expect(diagnostics.all.map(\.code) == [.inputTooLarge])
        #expect(diagnostics.all.first?.location == .start)
    }
}
