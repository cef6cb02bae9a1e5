import Foundation
import Testing

@testable import StandbyKit

/// The examples under `examples/`, planned, and the plan reports' golden files
/// under `Fixtures/golden/plan/`.
///
/// Set `STANDBY_RECORD_GOLDENS=1` to rewrite the golden files from the current
/// output instead of comparing; review the diff by eye before keeping it.
enum PlanRenderFixtures {
    /// The package root: this file is `Tests/StandbyKitTests/PlanRendererTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()


    /// Reads an example through the whole pipeline, as `standby plan` does.
    static func compile(
        example name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> CompiledSpec {
        let path = "examples/\(name).yaml"
        let data = try Data(contentsOf: root.appendingPathComponent(path))
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: path, bytes: Array(data)))
        #expect(!diagnostics.hasErrors, "\(diagnostics.all)", sourceLocation: sourceLocation)
        return try #require(compiled, sourceLocation: sourceLocation)
    }

    static func render(
        _ plan: Plan, _ compiled: CompiledSpec, _ format: OutputFormat, unit: Size.Unit = .auto,
        detail: PlanDetail? = nil
    ) -> String {
        var out = ""
        PlanRenderer.render(plan, compiled: compiled, format: format, unit: unit, detail: detail, to: &out)
        return out
    }

    static func renderCase(_ trace: CaseTrace, _ format: OutputFormat, unit: Size.Unit = .auto) -> String {
        var out = ""
        PlanRenderer.renderCase(trace, format: format, unit: unit, to: &out)
        return out
    }

    /// Compares `actual` with the golden file `plan/name` byte for byte (the
    /// shared check, which names the first line that differs).
    static func checkGolden(
        _ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        try RenderFixtures.Golden.check(actual, "plan/\(name)", sourceLocation: sourceLocation)
    }

    /// The shared strict RFC 4180 reader (records end with CRLF; `nil` for
    /// anything else).
    static func parseCSV(_ text: String) -> [[String]]? { RenderFixtures.parseCSV(text) }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

private typealias F = PlanRenderFixtures
private let formats: [(OutputFormat, String)] = [(.text, "txt"), (.json, "json"), (.csv, "csv"), (.markdown, "md")]

// MARK: - The worked example

@Suite struct PlanRendererWorkedExampleTests {
    let compiled: CompiledSpec
    /// Default faults: os, job, standby, memory.
    let plan: Plan
    /// `faults: [os, job, standby]`.
    let withoutMemory: Plan

    init() throws {
        compiled = try F.compile(example: "patent-fig4")
        plan = Planner.plan(compiled)
        withoutMemory = Planner.plan(compiled, faults: [.os, .job, .standby])
    }

    @Test(arguments: formats)
    func defaultFaultsGolden(format: OutputFormat, ext: String) throws {
        try F.checkGolden(F.render(plan, compiled, format), "worked-example.\(ext)")
    }

    @Test(arguments: formats)
    func withoutMemoryFaultsGolden(format: OutputFormat, ext: String) throws {
        try F.checkGolden(F.render(withoutMemory, compiled, format), "worked-example.os-job-standby.\(ext)")
    }

    @Test(arguments: [("vms50/os/active", "case-os-active"), ("vms50/memory/active", "case-memory-active")])
    func caseTraceGolden(id: String, name: String) throws {
        let trace = try #require(Planner.trace(caseID: id, in: compiled, plan: plan))
        for (format, ext) in formats {
            try F.checkGolden(F.renderCase(trace, format), "worked-example.\(name).\(ext)")
        }
    }

    /// docs/model.md's figures for the worked example, whatever the golden files say.
    @Test func textShowsEveryFigureOfTheModel() {
        let text = F.render(plan, compiled, .text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The answer comes first.
        #expect(lines.first == "covered: no — 1 of 7 cases is not covered")
        #expect(lines.dropFirst().first == "fluid 384 MiB vs duplicate 416 MiB: saves 32 MiB (7.7 %); static 384 MiB")
        #expect(text.contains("\n  standby     32 MiB   32 MiB  active\n"))  // allocated, minimum, protects
        #expect(text.contains("\n  active    192 MiB  standby\n"))  // footprint, protected by
        #expect(text.contains("\n  footprint            192 MiB  "))
        #expect(text.contains("\n  reserve minimum      128 MiB  "))
        #expect(text.contains("\n  fluid total          384 MiB  "))
        #expect(text.contains("\n  duplicate total      416 MiB  "))
        #expect(text.contains("\n  static total         384 MiB  "))
        #expect(text.contains("\n  savings               32 MiB  7.7 % of the duplicate total\n"))
        // The memory case: not covered, 128 MiB short, and why.
        #expect(text.contains("\n  not covered:\n    vms50/memory/active: 128 MiB short\n"))
        #expect(text.contains("standby: its copies need 128 MiB; it had 0 free and was handed 0"))
        #expect(text.contains("A could not start"))
        #expect(text.contains("would be covered by a pool of 128 MiB on vms50 after start-up"))
        #expect(text.contains("after start-up (machine memory +128 MiB)"))
        #expect(!text.contains("or standby at"))
        // One unit per column: the shortfalls' is MiB; nothing is 0 in any column.
        #expect(text.contains("\n  vms50/memory/active    no         128 MiB          0  A, B       -\n"))
        #expect(text.contains("\n  vms50/os/active        yes              0          0  B          A\n"))
        #expect(text.contains("\n    vms50/standby/standby: A runs unprotected (128 MiB)\n"))
    }

    @Test func textWithoutMemoryFaultsShowsTheModelSavings() {
        let text = F.render(withoutMemory, compiled, .text)
        #expect(text.hasPrefix("covered: yes — all 6 cases are covered\n"))
        #expect(text.contains("fluid 256 MiB vs duplicate 416 MiB: saves 160 MiB (38.5 %); static 384 MiB\n"))
        #expect(text.contains("\n  reserve minimum            0  "))
        #expect(text.contains("\n  savings              160 MiB  38.5 % of the duplicate total\n"))
        #expect(!text.contains("not covered:"))
    }

    @Test func jsonHoldsTheContractFieldsAndTheModelFigures() throws {
        let mi = 1 << 20
        let doc = try F.json(F.render(plan, compiled, .json))
        #expect(doc["format_version"] as? String == "1.1")
        #expect(doc["covered"] as? Bool == false)
        #expect(doc["faults"] as? [String] == ["os", "job", "standby", "memory"])
        let machines = try #require(doc["machines"] as? [[String: Any]])
        let m = try #require(machines.first)
        #expect(m["name"] as? String == "vms50")
        #expect(m["footprint_bytes"] as? Int == 192 * mi)
        #expect(m["reserve_minimum_bytes"] as? Int == 128 * mi)
        #expect(m["fluid_total_bytes"] as? Int == 384 * mi)
        #expect(m["duplicate_total_bytes"] as? Int == 416 * mi)
        #expect(m["static_total_bytes"] as? Int == 384 * mi)
        #expect(m["savings_bytes"] as? Int == 32 * mi)
        #expect((m["savings_percent"] as? NSNumber)?.doubleValue == 7.7)
        let standbys = try #require(m["standbys"] as? [[String: Any]])
        #expect(standbys.map { $0["name"] as? String } == ["standby"])
        #expect(standbys.first?["allocated_bytes"] as? Int == 32 * mi)
        #expect(standbys.first?["minimum_bytes"] as? Int == 32 * mi)
        let cases = try #require(m["cases"] as? [[String: Any]])
        #expect(cases.count == 7)
        let contract = [
            "id", "kind", "target", "covered", "shortfall_bytes", "pool_draw_bytes", "lost_jobs", "taken_over",
        ]
        for c in cases {
            for key in contract { #expect(c[key] != nil, "case \(c["id"] ?? "?") lacks \(key)") }
        }
        let memory = try #require(cases.first { $0["id"] as? String == "vms50/memory/active" })
        #expect(memory["covered"] as? Bool == false)
        #expect(memory["shortfall_bytes"] as? Int == 128 * mi)
        #expect(memory["lost_jobs"] as? [String] == ["A", "B"])
        #expect(memory["severity"] is NSNull)
        let severe = try #require(cases.first { $0["id"] as? String == "vms50/job/A/severe" })
        #expect(severe["severity"] as? String == "severe")
        #expect(severe["action"] as? String == "failover")
        #expect(severe["taken_over"] as? [String] == ["A"])

        let other = try F.json(F.render(withoutMemory, compiled, .json))
        let m2 = try #require((other["machines"] as? [[String: Any]])?.first)
        #expect(m2["reserve_minimum_bytes"] as? Int == 0)
        #expect(m2["fluid_total_bytes"] as? Int == 256 * mi)
        #expect(m2["savings_bytes"] as? Int == 160 * mi)
        #expect((m2["savings_percent"] as? NSNumber)?.doubleValue == 38.5)
        #expect(other["covered"] as? Bool == true)
        let totals = try #require(other["totals"] as? [String: Any])
        #expect(totals["savings_bytes"] as? Int == 160 * mi)
    }

    /// The exact bytes of the figures that other tools read.
    @Test func jsonWritesPercentWithOneDecimal() {
        let text = F.render(withoutMemory, compiled, .json)
        #expect(text.contains("\n      \"savings_percent\": 38.5,\n"))
        #expect(text.contains("\n    \"savings_percent\": 38.5,\n"))
        #expect(text.contains("\n      \"fluid_total_bytes\": 268435456,\n"))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func markdownShowsTheModelFigures() {
        let md = F.render(plan, compiled, .markdown)
        #expect(md.hasPrefix("## Summary\n\n**Covered: no — 1 of 7 cases is not covered.**\n"))
        #expect(md.contains("Fluid 384 MiB vs duplicate 416 MiB: saves 32 MiB (7.7 %); static 384 MiB."))
        #expect(md.contains("| standby | 32 MiB | 32 MiB | active |"))
        #expect(md.contains("| reserve minimum | 128 MiB |"))
        #expect(md.contains("| vms50/memory/active | no | 128 MiB | 0 | A, B |  |"))
        let other = F.render(withoutMemory, compiled, .markdown)
        #expect(other.contains("Fluid 256 MiB vs duplicate 416 MiB: saves 160 MiB (38.5 %); static 384 MiB."))
    }

    @Test func csvHasOneRowPerCase() throws {
        let records = try #require(F.parseCSV(F.render(plan, compiled, .csv)))
        #expect(records.first == PlanRenderer.csvHeader)
        #expect(records.dropFirst().map { $0[1] } == plan.cases.map(\.id))
        let memory = try #require(records.first { $0[1] == "vms50/memory/active" })
        #expect(memory == ["vms50", "vms50/memory/active", "memory", "active", "", "false", "134217728", "0", "A;B"])
        let severe = try #require(records.first { $0[1] == "vms50/job/A/severe" })
        #expect(severe[4] == "severe")
        #expect(severe[5] == "true")
    }

    /// docs/model.md: when `active` fails, A's 128 MiB go to `standby` (32 → 160 MiB),
    /// which starts A's copy; B's 32 MiB return to the pool; `active` keeps its 32.
    @Test func osCaseTraceFollowsTheModel() throws {
        let trace = try #require(Planner.trace(caseID: "vms50/os/active", in: compiled, plan: plan))
        let text = F.renderCase(trace, .text, unit: .MiB)
        #expect(text.hasPrefix("case vms50/os/active\n"))
        #expect(text.contains("  1. hand A (128 MiB) to standby\n"))
        #expect(text.contains("  2. return B (32 MiB) to the pool\n"))
        #expect(text.contains("  3. start A on standby (128 MiB)\n"))
        let after = try #require(text.components(separatedBy: "after the fault:\n").last)
        #expect(after.contains("  active        32 MiB  active   active\n"))
        #expect(after.contains("  A            128 MiB  standby  monitor\n"))
        #expect(after.contains("  unallocated   32 MiB  monitor  monitor\n"))
        #expect(after.hasSuffix("256 MiB\n"))
    }

    @Test func memoryCaseTraceKeepsTheLostRows() throws {
        let trace = try #require(Planner.trace(caseID: "vms50/memory/active", in: compiled, plan: plan))
        let text = F.renderCase(trace, .text)
        #expect(text.contains("A cannot start on standby: 128 MiB not free"))
        #expect(text.contains("\n  A (lost)       128 MiB  active   active\n"))
        let records = try #require(F.parseCSV(F.renderCase(trace, .csv)))
        #expect(records.first == PlanRenderer.caseCSVHeader)
        let after = records.filter { $0[1] == "after" }
        #expect(after.map { $0[3] } == ["active (lost)", "standby", "monitor", "A (lost)", "B (lost)", "unallocated"])
        #expect(after.reduce(0) { $0 + (Int($1[5]) ?? 0) } == 256 << 20)
        let doc = try F.json(F.renderCase(trace, .json))
        #expect(doc["case"] as? String == "vms50/memory/active")
        let steps = try #require(doc["steps"] as? [[String: Any]])
        #expect(steps.map { $0["action"] as? String } == ["cut_off", "cut_off", "cut_off", "cannot_start"])
        #expect(steps.last?["copy"] as? String == "A")
    }
}

// MARK: - Other examples

@Suite struct PlanRendererExampleTests {
    @Test(arguments: ["shared-standby", "cross-machine"])
    func exampleGolden(name: String) throws {
        let compiled = try F.compile(example: name)
        let plan = Planner.plan(compiled)
        // The summary a fleet gets by default, and every detail.
        try F.checkGolden(F.render(plan, compiled, .text), "\(name).txt")
        try F.checkGolden(F.render(plan, compiled, .text, detail: .cases), "\(name).cases.txt")
        try F.checkGolden(F.render(plan, compiled, .json), "\(name).json")
    }

    /// docs/planning.md's figures for examples/cross-machine.yaml.
    @Test func crossMachineShowsFleetTotalsFirst() throws {
        let compiled = try F.compile(example: "cross-machine")
        let text = F.render(Planner.plan(compiled), compiled, .text, detail: .cases)
        #expect(text.hasPrefix("covered: no — "))
        #expect(text.contains("\nfluid 67 GiB vs duplicate 94 GiB: saves 27 GiB (28.7 %); static 71 GiB\n"))
        #expect(text.contains("\nfleet of 2 machines:\n"))
        let fleet = try #require(text.range(of: "fleet of 2 machines:"))
        let rack1 = try #require(text.range(of: "machine rack1:"))
        #expect(fleet.lowerBound < rack1.lowerBound)
        #expect(text.contains("\n  dr           4 GiB    3 GiB  rack1/app\n"))
        #expect(text.contains("\n  reserve minimum       8 GiB  "))
        #expect(text.contains("\n  reserve minimum       6 GiB  "))
        #expect(text.contains("\n    rack1/machine: 2 jobs no memory can bring back\n"))
        #expect(text.contains("\n  jobs no memory can bring back: session, ledger-db\n"))
        #expect(text.contains("session: its standby spare1 stops in the same fault"))
    }

    @Test func crossMachineTraceShowsBothMachines() throws {
        let compiled = try F.compile(example: "cross-machine")
        let plan = Planner.plan(compiled)
        let trace = try #require(Planner.trace(caseID: "rack1/os/app", in: compiled, plan: plan))
        let text = F.renderCase(trace, .text)
        #expect(text.contains("\nmachine rack1 before the fault (the final start-up table):\n"))
        #expect(text.contains("\nmachine rack2 after the fault:\n"))
        #expect(text.contains("rack2: give dr 5 GiB from the pool"))
        #expect(text.contains("rack2: start rack1/api on dr (6 GiB)"))
        let machineTrace = try #require(Planner.trace(caseID: "rack1/machine", in: compiled, plan: plan))
        #expect(F.renderCase(machineTrace, .text).contains("\nmachine rack1 after the fault (the machine is lost):\n"))
    }
}

// MARK: - Properties of every report

@Suite struct PlanRendererPropertyTests {
    static let examples = ["patent-fig4", "shared-standby", "cross-machine"]

    @Test(arguments: examples)
    func renderingTwiceIsByteIdentical(name: String) throws {
        let compiled = try F.compile(example: name)
        for faults in [nil, FaultKind.allCases, [.os]] as [[FaultKind]?] {
            // Two plans, made apart, rendered apart.
            let first = Planner.plan(compiled, faults: faults)
            let second = Planner.plan(compiled, faults: faults)
            for format in OutputFormat.allCases {
                for unit in [Size.Unit.auto, .MiB, .GiB] {
                    #expect(
                        F.render(first, compiled, format, unit: unit) == F.render(second, compiled, format, unit: unit),
                        "\(name) \(format) \(unit)")
                }
            }
            for c in first.cases {
                let trace = try #require(Planner.trace(caseID: c.id, in: compiled, plan: first))
                for format in OutputFormat.allCases {
                    #expect(F.renderCase(trace, format) == F.renderCase(trace, format), "\(c.id) \(format)")
                }
            }
        }
    }

    @Test(arguments: examples)
    func csvParsesAsRFC4180WithTheContractHeader(name: String) throws {
        let compiled = try F.compile(example: name)
        let plan = Planner.plan(compiled, faults: FaultKind.allCases)
        let records = try #require(F.parseCSV(F.render(plan, compiled, .csv)))
        #expect(
            records.first == [
                "machine", "case", "kind", "target", "severity", "covered", "shortfall_bytes", "pool_draw_bytes",
                "lost_jobs",
            ])
        #expect(records.count == 1 + plan.cases.count)
        for (record, c) in zip(records.dropFirst(), plan.cases) {
            #expect(record.count == 9)
            #expect(record == [
                c.machine, c.id, c.kind.rawValue, c.target, c.severity?.rawValue ?? "", c.covered ? "true" : "false",
                String(c.shortfall), String(c.poolDraw), c.lostJobs.joined(separator: ";"),
            ])
        }
    }

    @Test(arguments: examples)
    func jsonHasOneEntryPerCaseWithSortedKeys(name: String) throws {
        let compiled = try F.compile(example: name)
        let plan = Planner.plan(compiled, faults: FaultKind.allCases)
        let text = F.render(plan, compiled, .json)
        let doc = try F.json(text)
        let machines = try #require(doc["machines"] as? [[String: Any]])
        #expect(machines.map { $0["name"] as? String } == plan.machines.map(\.name))
        let ids = machines.flatMap { ($0["cases"] as? [[String: Any]] ?? []).map { $0["id"] as? String } }
        #expect(ids == plan.cases.map(\.id))
        // Re-encoding with sorted keys and the same layout gives the same bytes
        // (JSONSerialization escapes `/`, so compare after undoing that).
        let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted])
        let reencoded = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        func keys(_ s: String) -> [String] {
            s.split(separator: "\n").compactMap { line in
                let t = line.drop { $0 == " " }
                guard t.first == "\"", let end = t.dropFirst().firstIndex(of: "\""),
                    t[t.index(after: end)...].hasPrefix("\":")
                else { return nil }
                return String(t[..<end])
            }
        }
        #expect(keys(text) == keys(reencoded))
    }

    @Test(arguments: examples)
    func textAndMarkdownHaveNoTrailingSpace(name: String) throws {
        let compiled = try F.compile(example: name)
        let plan = Planner.plan(compiled, faults: FaultKind.allCases)
        for format in [OutputFormat.text, .markdown] {
            let out = F.render(plan, compiled, format)
            #expect(!out.split(separator: "\n").contains { $0.hasSuffix(" ") }, "\(format)")
            #expect(out.hasSuffix("\n"))
            for c in plan.cases {
                let trace = try #require(Planner.trace(caseID: c.id, in: compiled, plan: plan))
                let caseOut = F.renderCase(trace, format)
                #expect(!caseOut.split(separator: "\n").contains { $0.hasSuffix(" ") }, "\(c.id) \(format)")
            }
        }
    }

    @Test func schemasDeclare202012AndUseOnlyDraft07Keywords() throws {
        for name in ["plan", "case"] {
            let url = F.root.appendingPathComponent("schemas/\(name).schema.json")
            let data = try Data(contentsOf: url)
            let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            #expect(schema["definitions"] != nil)
            let text = String(decoding: data, as: UTF8.self)
            for keyword in ["$defs", "prefixItems", "dependentRequired", "dependentSchemas", "unevaluatedProperties"] {
                #expect(!text.contains("\"\(keyword)\""), "\(name) uses \(keyword)")
            }
            #expect((schema["description"] as? String)?.contains("must ignore fields they do not know") == true)
        }
    }
}

// MARK: - Sentences and edge cases

@Suite struct PlanRendererSentenceTests {
    @Test func coverageSentences() {
        #expect(Sentences.coverage(total: 0, uncovered: 0) == "yes — no case was simulated")
        #expect(Sentences.coverage(total: 1, uncovered: 0) == "yes — the only case is covered")
        #expect(Sentences.coverage(total: 5, uncovered: 0) == "yes — all 5 cases are covered")
        #expect(Sentences.coverage(total: 5, uncovered: 1) == "no — 1 of 5 cases is not covered")
        #expect(Sentences.coverage(total: 5, uncovered: 2) == "no — 2 of 5 cases are not covered")
        #expect(Sentences.coverage(total: 1, uncovered: 1) == "no — 1 of 1 case is not covered")
    }

    @Test func negativeSavingsSayWhatTheFluidLayoutCosts() {
        let mi = 1 << 20
        let text = Sentences.savings(
            fluid: 420 * mi, duplicate: 400 * mi, static: 410 * mi, savings: -20 * mi,
            percent: RoundedPercent(part: -20, of: 400), unit: .auto)
        #expect(text == "fluid 420 MiB vs duplicate 400 MiB: costs 20 MiB more (-5.0 %); static 410 MiB")
    }

    @Test func withoutPoolTheOnlyFixIsTheStandby() throws {
        let mi = 1 << 20
        let c = FaultCase(
            id: "m/os/x", machine: "m", kind: .os, target: "x", covered: false, shortfall: 8 * mi,
            lostJobs: ["j"],
            shortages: [
                Shortage(
                    machine: "m", held: 16 * mi, released: 16 * mi, draw: 0, shortfall: 8 * mi, requiredPool: nil,
                    standbys: [
                        StandbyShortage(
                            standby: "s", need: 24 * mi, free: 8 * mi, handed: 8 * mi, drawn: 0, missing: 8 * mi,
                            shortJobs: ["j"], coveringAllocation: 40 * mi)
                    ], coveringMemory: 72 * mi, memory: 64 * mi)
            ])
        let explanation = Sentences.explanation(c, pool: false, unit: .auto)
        #expect(explanation.headline.plain == "m/os/x: 8 MiB short")
        #expect(explanation.covers.map(\.plain) == ["would be covered by s at 40 MiB (machine memory +8 MiB)"])
        #expect(
            explanation.details.map(\.plain) == [
                "s: its copies need 24 MiB; it had 8 MiB free and was handed 8 MiB; it lacked 8 MiB and may not draw "
                    + "from the pool (pool: false); j could not start",
                "pool of m: held 16 MiB (16 MiB of it released by the fault), gave 0; 8 MiB short",
                "would be covered by s at 40 MiB (machine memory +8 MiB)",
            ])
    }

    @Test func emptyPlanRendersEveryFormat() throws {
        let compiled = CompiledSpec(spec: Spec(machines: []), machines: [])
        let plan = Planner.plan(compiled, faults: [])
        #expect(F.render(plan, compiled, .text).hasPrefix("covered: yes — no case was simulated\n"))
        #expect(F.render(plan, compiled, .csv) == PlanRenderer.csvHeader.joined(separator: ",") + "\r\n")
        let doc = try F.json(F.render(plan, compiled, .json))
        #expect(doc["covered"] as? Bool == true)
        #expect((doc["machines"] as? [Any])?.isEmpty == true)
    }

    @Test func markdownEscapesNamesButNotItsOwnSentences() throws {
        let mi = 1 << 20
        let spec = Spec(machines: [
            Machine(
                name: "m", memory: 96 * mi, monitor: 16 * mi,
                oses: [
                    OS(
                        name: "a|x", role: .active, memory: 32 * mi, kernel: 16 * mi, standby: OSReference(os: "s"),
                        jobs: [Job(name: "j*1", memory: 16 * mi, hotStandby: true, standbyMemory: 64 * mi)]),
                    OS(name: "s", role: .standby, memory: 16 * mi, kernel: 16 * mi),
                ])
        ])
        let compiled = try #require(Compiler.compile(spec).0)
        let plan = Planner.plan(compiled, faults: [.os])
        let md = F.render(plan, compiled, .markdown)
        #expect(md.contains("\n| m/os/a\\|x | no | 16 MiB | 32 MiB | j\\*1 |  |\n"))
        #expect(md.contains("\n- **m/os/a\\|x: 16 MiB short**\n"))
        #expect(md.contains("j\\*1 could not start"))
        #expect(md.contains("machine memory +"))
        #expect(!md.contains("\\+"))
    }
}

// MARK: - Streaming and scale

/// A stream that keeps only what a test asks about: how much was written, the
/// largest single write, and a running hash of the bytes.
private struct MeasuringStream: TextOutputStream {
    var bytes = 0
    var largestWrite = 0
    var writes = 0
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func write(_ string: String) {
        let count = string.utf8.count
        bytes += count
        largestWrite = max(largestWrite, count)
        writes += 1
        for byte in string.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }
}

@Suite struct PlanRendererScaleTests {
    /// A fleet like benchmarks/gen_fleet.py's: per machine two standbys, each
    /// protecting half the actives, every other job hot-standby.
    static func fleet(machines: Int, actives: Int, jobs: Int) -> CompiledSpec? {
        let mi = 1 << 20
        var list: [Machine] = []
        for m in 0..<machines {
            var oses: [OS] = []
            for a in 0..<actives {
                let jobList = (0..<jobs).map { j in
                    Job(name: "j\(a)_\(j)", memory: 64 * mi, hotStandby: j % 2 == 0, standbyMemory: 48 * mi)
                }
                oses.append(
                    OS(
                        name: "a\(a)", role: .active, memory: (512 + 64 * jobs) * mi, kernel: 512 * mi,
                        standby: OSReference(os: a < actives / 2 ? "sb0" : "sb1"), jobs: jobList))
            }
            oses.append(OS(name: "sb0", role: .standby, memory: 1024 * mi, kernel: 512 * mi))
            oses.append(OS(name: "sb1", role: .standby, memory: 1024 * mi, kernel: 512 * mi))
            let allocated = oses.reduce(0) { $0 + $1.memory }
            list.append(
                Machine(name: "m\(m)", memory: 1024 * mi + allocated + 4096 * mi, monitor: 1024 * mi, oses: oses))
        }
        return Compiler.compile(Spec(machines: list)).0
    }

    /// Every format streams: no single write to the output holds more than one
    /// case (or one table row), however many cases there are.
    @Test func reportsStreamCaseByCase() throws {
        let compiled = try #require(Self.fleet(machines: 4, actives: 4, jobs: 100))
        let plan = Planner.plan(compiled)
        #expect(plan.cases.count > 3000)
        for format in [OutputFormat.json, .csv, .text, .markdown] {
            var out = MeasuringStream()
            PlanRenderer.render(plan, compiled: compiled, format: format, unit: .auto, detail: .cases, to: &out)
            #expect(out.largestWrite < 16 << 10, "\(format): a write of \(out.largestWrite) bytes")
            #expect(out.writes > plan.cases.count, "\(format)")
        }
    }

    /// `STANDBY_PLAN_RENDER_SCALE=1`: 150,000 jobs (about 300,000 cases), each
    /// format timed. Opt-in: it takes seconds in a debug build.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["STANDBY_PLAN_RENDER_SCALE"] == "1"))
    func fleetOf150000Jobs() throws {
        let compiled = try #require(Self.fleet(machines: 1000, actives: 6, jobs: 25))
        let clock = ContinuousClock()
        var plan: Plan?
        let planning = clock.measure { plan = Planner.plan(compiled) }
        let p = try #require(plan)
        print("planned \(p.cases.count) cases in \(planning)")
        for format in [OutputFormat.json, .csv, .text, .markdown] {
            var out = MeasuringStream()
            let elapsed = clock.measure {
                PlanRenderer.render(p, compiled: compiled, format: format, unit: .auto, to: &out)
            }
            print("\(format): \(out.bytes) bytes in \(elapsed), largest write \(out.largestWrite) bytes")
        }
    }
}
