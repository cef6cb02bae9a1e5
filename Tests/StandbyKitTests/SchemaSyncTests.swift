import Foundation
import Testing

@testable import StandbyKit

/// `schemas/spec.schema.json` and the decoder describe the same format: the same
/// keys at every place, the same required keys, the same enumerations, and the
/// same spellings of sizes, percentages and names.
@Suite struct SchemaSync {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    nonisolated(unsafe) static let schema: [String: Any] = {
        let url = root.appendingPathComponent("schemas/spec.schema.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }()

    static func definition(_ name: String) -> [String: Any] {
        ((schema["definitions"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
    }

    static func keys(_ object: [String: Any]) -> Set<String> {
        Set((object["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
    }

    static func property(_ object: [String: Any], _ key: String) -> [String: Any] {
        ((object["properties"] as? [String: Any])?[key] as? [String: Any]) ?? [:]
    }

    @Test func keysMatchAtEveryPlace() {
        #expect(Self.keys(Self.schema) == Set(SpecKeys.top))
        let policies = Self.definition("policies")
        #expect(Self.keys(policies) == Set(SpecKeys.policies))
        #expect(Self.keys(Self.definition("jobFaultPolicy")) == Set(SpecKeys.jobFault))
        #expect(Self.keys(Self.property(policies, "os_fault")) == Set(SpecKeys.osFault))
        #expect(Self.keys(Self.property(policies, "memory_fault")) == Set(SpecKeys.memoryFault))
        #expect(Self.keys(Self.definition("machine")) == Set(SpecKeys.machine))
        #expect(Self.keys(Self.definition("os")) == Set(SpecKeys.os))
        #expect(Self.keys(Self.definition("job")) == Set(SpecKeys.job))
    }

    @Test func everyObjectIsClosed() {
        for name in ["policies", "jobFaultPolicy", "machine", "os", "job"] {
            #expect(Self.definition(name)["additionalProperties"] as? Bool == false, "\(name)")
        }
        #expect(Self.schema["additionalProperties"] as? Bool == false)
    }

    @Test func requiredKeysMatchTheDecoder() throws {
        // Removing any required key from the worked example is a missing-key error,
        // and removing any other key is not.
        let example = try String(
            contentsOf: Self.root.appendingPathComponent("examples/patent-fig4.yaml"), encoding: .utf8)
        let required = Set(Self.definition("machine")["required"] as? [String] ?? [])
            .union(Self.definition("os")["required"] as? [String] ?? [])
            .union(Self.definition("job")["required"] as? [String] ?? [])
        #expect(!required.isEmpty)
        for key in ["memory", "monitor", "kernel", "role", "name", "standby_memory", "hot_standby", "standby"] {
            // Drop every line that sets `key` (at any level) and decode.
            let lines = example.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("\(key):") }
                .map { $0.replacingOccurrences(of: "- \(key):", with: "- x-dropped:") }
            let (_, diagnostics) = SpecDecoder.decode(Array(lines.joined(separator: "\n").utf8))
            let missing = diagnostics.all.contains { $0.code == "missing-key" }
            #expect(missing == required.contains(key), "\(key)")
        }
    }

    @Test func enumerationsMatch() {
        func enumeration(_ object: [String: Any]) -> Set<String> {
            Set(object["enum"] as? [String] ?? [])
        }
        #expect(enumeration(Self.property(Self.definition("os"), "role")) == Set(OSRole.allCases.map(\.rawValue)))
        #expect(enumeration(Self.definition("action")) == Set(JobFaultAction.allCases.map(\.rawValue)))
        #expect(enumeration(Self.definition("faultKind")) == Set(FaultKind.allCases.map(\.rawValue)))
        let osFault = Self.property(Self.definition("policies"), "os_fault")
        #expect(enumeration(Self.property(osFault, "os_area")) == Set(OSAreaPolicy.allCases.map(\.rawValue)))
    }

    static func matches(_ definition: String, _ text: String) -> Bool {
        guard let pattern = Self.definition(definition)["pattern"] as? String,
            let regex = try? NSRegularExpression(pattern: pattern)
        else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Spellings where the two must agree. (The schema cannot see whether a
    /// fraction comes to whole bytes or a size passes 2^63−1; those are left out.)
    static let sizes = [
        "0", "1", "1048576", "256Mi", "1.5Gi", "512MiB", "4G", "4GB", "1k", "1kB", "7Ei", "2Ki", "3Ti",
        "1Pi", "1P", "1E", "1T", "0.5Mi", "-1", "1e3", "256Mo", "256 Mi", "1m", "Mi", ".5Gi", "1.Gi", "",
        "0x10", "1Kb", "1mi", "+1", "1_000", "1,5Gi", "1KiBB", "1iB",
    ]

    @Test(arguments: sizes)
    func sizeSpellingsAgree(_ text: String) {
        let decoder: Bool
        switch Quantity.parse(text) {
        case .success: decoder = true
        case .failure: decoder = false
        }
        #expect(Self.matches("size", text) == decoder, "schema and decoder disagree on '\(text)'")
    }

    static let percentages = ["0%", "100%", "12.5%", "50%", "99.999%", "100.0%", "101%", "-1%", "50", "1e2%", "50 %", "100.5%"]

    @Test(arguments: percentages)
    func percentageSpellingsAgree(_ text: String) {
        let decoder: Bool
        switch Percentage.parse(text) {
        case .success: decoder = true
        case .failure: decoder = false
        }
        #expect(Self.matches("percent", text) == decoder, "schema and decoder disagree on '\(text)'")
    }

    static let growths = [
        "0%", "2%", "0.5%", "2.25%", "1000%", "1000.0%", "1000.00%", "1000.01%", "1001%", "999.99%", "+2%", "007%",
        "-1%", "2", "1.125%", "1.%", ".5%", "2 %", "1e2%", "",
    ]

    @Test(arguments: growths)
    func growthSpellingsAgree(_ text: String) throws {
        let decoder: Bool
        switch GrowthRate.parse(text) {
        case .success: decoder = true
        case .failure: decoder = false
        }
        let growth = Self.property(Self.definition("job"), "growth")
        let pattern = try #require(growth["pattern"] as? String)
        let regex = try NSRegularExpression(pattern: pattern)
        let schema = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        #expect(schema == decoder, "schema and decoder disagree on '\(text)'")
    }

    static let names = ["a", "vms50", "A.b_c-d", "0start", "-x", ".x", "a b", "a/b", "é", String(repeating: "n", count: 63), String(repeating: "n", count: 64)]

    @Test(arguments: names)
    func nameSpellingsAgree(_ text: String) {
        #expect(Self.matches("name", text) == Names.isValid(text), "schema and decoder disagree on '\(text)'")
    }
}
