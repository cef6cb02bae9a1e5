import Foundation
import PropertyBased
import Testing

@testable import StandbyKit

private let ki = 1 << 10
private let mi = 1 << 20
private let gi = 1 << 30

/// Specs, helpers and golden files shared by the renderer tests.
enum RenderFixtures {
    /// docs/model.md's worked example, built in code so these tests do not depend on
    /// the YAML decoder.
    static func workedExample() -> Spec {
        Spec(machines: [
            Machine(
                name: "vms50", memory: 256 * mi, monitor: 32 * mi,
                oses: [
                    OS(
                        name: "active", role: .active, memory: 160 * mi, kernel: 32 * mi,
                        standby: OSReference(os: "standby"),
                        jobs: [
                            Job(name: "A", memory: 128 * mi, hotStandby: true, standbyMemory: 128 * mi),
                            Job(name: "B", memory: 32 * mi),
                        ]),
                    OS(name: "standby", role: .standby, memory: 32 * mi, kernel: 32 * mi),
                ])
        ])
    }

    /// Two machines: a 4 MiB granule, a reserve, a standby on another machine,
    /// expansions on both machines, and an OS without jobs.
    static func fleet() -> Spec {
        Spec(machines: [
            Machine(
                name: "rack1", memory: gi, monitor: 64 * mi, granule: 4 * mi, reserve: 64 * mi,
                oses: [
                    OS(
                        name: "web", role: .active, memory: 384 * mi, kernel: 64 * mi,
                        standby: OSReference(os: "spare"),
                        jobs: [
                            Job(name: "frontend", memory: 256 * mi, hotStandby: true, standbyMemory: 192 * mi),
                            Job(name: "cache", memory: 96 * mi),
                        ]),
                    OS(
                        name: "db", role: .active, memory: 256 * mi, kernel: 64 * mi,
                        standby: OSReference(machine: "rack2", os: "dr"),
                        jobs: [Job(name: "postgres", memory: 192 * mi, hotStandby: true)]),
                    OS(name: "spare", role: .standby, memory: 64 * mi, kernel: 64 * mi),
                ]),
            Machine(
                name: "rack2", memory: 2 * gi, monitor: 32 * mi,
                oses: [
                    OS(name: "dr", role: .standby, memory: 96 * mi, kernel: 64 * mi),
                    OS(
                        name: "batch", role: .active, memory: 128 * mi, kernel: 32 * mi,
                        jobs: [Job(name: "report", memory: 1536 * mi)]),
                ]),
        ])
    }

    static func compile(
        _ spec: Spec, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> CompiledSpec {
        let (compiled, diagnostics) = Compiler.compile(spec)
        #expect(!diagnostics.hasErrors, "\(diagnostics.all)", sourceLocation: sourceLocation)
        return try #require(compiled, sourceLocation: sourceLocation)
    }

    static func render(
        _ compiled: CompiledSpec, _ format: OutputFormat, states: StateSelection = .all, unit: Size.Unit = .MiB
    ) -> String {
        var out = ""
        CompileRenderer.render(compiled, format: format, states: states, unit: unit, to: &out)
        return out
    }

    /// Whole-output comparisons against files under `Fixtures/golden/`.
    ///
    /// Set `STANDBY_RECORD_GOLDENS=1` to rewrite the files from the current output
    /// instead; review the diff by eye before keeping it.
    enum Golden {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden")

        static var recording: Bool { ProcessInfo.processInfo.environment["STANDBY_RECORD_GOLDENS"] == "1" }

        static func check(
            _ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
        ) throws {
            let url = root.appendingPathComponent(name)
            if recording {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url)
                return
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                Issue.record(
                    "no golden file \(name); run with STANDBY_RECORD_GOLDENS=1 to record it",
                    sourceLocation: sourceLocation)
                return
            }
            let expected = String(decoding: data, as: UTF8.self)
            guard actual != expected else { return }
            // Split on scalars: as Characters, CRLF (the CSV record end) is one unit.
            func lines(_ text: String) -> [String] {
                text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
            }
            let a = lines(actual)
            let e = lines(expected)
            let line =
                zip(a, e).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
                ?? min(a.count, e.count)
            Issue.record(
                """
                output differs from \(name) at line \(line + 1)
                  expected: \(line < e.count ? String(reflecting: e[line]) : "<end>")
                  actual:   \(line < a.count ? String(reflecting: a[line]) : "<end>")
                (STANDBY_RECORD_GOLDENS=1 rewrites the golden files)
                """, sourceLocation: sourceLocation)
        }
    }

    /// A strict RFC 4180 reader, written independently of ``CSVWriter``: records end
    /// with CRLF, fields are separated by commas, a quoted field may hold commas,
    /// CR, LF and doubled quotes. Returns `nil` for anything else (a bare CR or LF
    /// outside quotes, a quote inside an unquoted field, text after a closing quote,
    /// a missing final CRLF).
    static func parseCSV(_ text: String) -> [[String]]? {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        var quoted = false
        var afterQuote = false
        var fieldStarted = false
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field = []
            afterQuote = false
            fieldStarted = false
        }
        while let byte = bytes.popFirst() {
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if bytes.first == UInt8(ascii: "\"") {
                        bytes.removeFirst()
                        field.append(byte)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                endField()
            case 0x0D:
                guard bytes.popFirst() == 0x0A else { return nil }
                endField()
                records.append(record)
                record = []
            case 0x0A:
                return nil
            case UInt8(ascii: "\""):
                guard !fieldStarted, !afterQuote else { return nil }
                quoted = true
                fieldStarted = true
            default:
                guard !afterQuote else { return nil }
                field.append(byte)
                fieldStarted = true
            }
        }
        guard !quoted, record.isEmpty, field.isEmpty, !fieldStarted else { return nil }
        return records
    }
}

@Suite struct CompileRendererTests {
    // MARK: The worked example

    @Test func workedExampleCompilesToModelStates() throws {
        let machine = try #require(try RenderFixtures.compile(RenderFixtures.workedExample()).machines.first)
        let states = Array(machine.states)
        #expect(states.map(\.event.description) == ["initial", "start A", "start B"])
        #expect(states.map(\.expansion) == [0, 0, 32 * mi])
        #expect(states.last?.regions == machine.final)
    }

    @Test(arguments: [
        (OutputFormat.text, "txt"), (.markdown, "md"), (.json, "json"), (.csv, "csv"),
    ])
    func workedExampleAllStates(format: OutputFormat, ext: String) throws {
        let spec = try RenderFixtures.compile(RenderFixtures.workedExample())
        let output = RenderFixtures.render(spec, format, states: .all, unit: .MiB)
        try RenderFixtures.Golden.check(output, "compile/worked-example.all.\(ext)")
    }

    @Test(arguments: [
        (OutputFormat.text, "txt"), (.markdown, "md"), (.json, "json"), (.csv, "csv"),
    ])
    func workedExampleFinalState(format: OutputFormat, ext: String) throws {
        let spec = try RenderFixtures.compile(RenderFixtures.workedExample())
        let output = RenderFixtures.render(spec, format, states: .final, unit: .MiB)
        try RenderFixtures.Golden.check(output, "compile/worked-example.final.\(ext)")
    }

    @Test(arguments: [
        (OutputFormat.text, "txt"), (.markdown, "md"), (.json, "json"), (.csv, "csv"),
    ])
    func fleetAllStatesAutoUnit(format: OutputFormat, ext: String) throws {
        let spec = try RenderFixtures.compile(RenderFixtures.fleet())
        let output = RenderFixtures.render(spec, format, states: .all, unit: .auto)
        try RenderFixtures.Golden.check(output, "compile/fleet.all.\(ext)")
    }

    /// docs/model.md's three tables, copied verbatim: the Markdown report must hold
    /// each of them, whatever the golden files say.
    @Test func markdownReproducesModelTables() throws {
        let stateA = """
            | region | size | owner | on fault |
            |---|---|---|---|
            | active | 160 MiB | active | active |
            | standby | 32 MiB | standby | standby |
            | monitor | 32 MiB | monitor | monitor |
            | unallocated | 32 MiB | monitor | monitor |

            """
        let stateB = """
            | region | size | owner | on fault |
            |---|---|---|---|
            | active | 32 MiB | active | active |
            | standby | 32 MiB | standby | standby |
            | monitor | 32 MiB | monitor | monitor |
            | A | 128 MiB | active | standby |
            | unallocated | 32 MiB | monitor | monitor |

            """
        let stateC = """
            | region | size | owner | on fault |
            |---|---|---|---|
            | active | 32 MiB | active | active |
            | standby | 32 MiB | standby | standby |
            | monitor | 32 MiB | monitor | monitor |
            | A | 128 MiB | active | standby |
            | B | 32 MiB | active | monitor |
            | unallocated | 0 | monitor | monitor |

            """
        let spec = try RenderFixtures.compile(RenderFixtures.workedExample())
        let output = RenderFixtures.render(spec, .markdown, states: .all, unit: .MiB)
        #expect(output.contains("### State A: initial\n\n" + stateA))
        #expect(output.contains("### State B: start A on active\n\n" + stateB))
        #expect(
            output.contains(
                "### State C: start B on active (active expanded by 32 MiB from the pool)\n\n" + stateC))
        #expect(output.hasSuffix(stateC))
    }

    @Test func htmlFallsBackToMarkdown() throws {
        let spec = try RenderFixtures.compile(RenderFixtures.workedExample())
        #expect(RenderFixtures.render(spec, .html) == RenderFixtures.render(spec, .markdown))
    }

    @Test func finalStateIsTheLastOfAll() throws {
        let spec = try RenderFixtures.compile(RenderFixtures.fleet())
        for format in [OutputFormat.text, .markdown] {
            let all = RenderFixtures.render(spec, format, states: .all)
            let final = RenderFixtures.render(spec, format, states: .final)
            // Every block of the final-only report (machine headings, the last
            // state of each machine) appears unchanged in the full report.
            for block in final.components(separatedBy: "\n\n") {
                #expect(all.contains(block))
            }
        }
        let text = RenderFixtures.render(spec, .json, states: .final)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let machines = try #require(json["machines"] as? [[String: Any]])
        let labels = machines.map { ($0["states"] as? [[String: Any]])?.map { $0["label"] as? String } }
        #expect(labels == [["D"], ["B"]])
        #expect(json["state_selection"] as? String == "final")
    }

    @Test func machineWithoutJobsHasOnlyTheInitialState() throws {
        let spec = try RenderFixtures.compile(
            Spec(machines: [
                Machine(name: "idle", memory: 64 * mi, monitor: 16 * mi, oses: [
                    OS(name: "os", role: .active, memory: 16 * mi, kernel: 16 * mi)
                ])
            ]))
        for selection in StateSelection.allCases {
            let csv = RenderFixtures.render(spec, .csv, states: selection)
            #expect(
                csv == """
                    machine,state,region,kind,size_bytes,owner,on_fault\r
                    idle,initial,os,os,16777216,os,os\r
                    idle,initial,monitor,monitor,16777216,monitor,monitor\r
                    idle,initial,unallocated,unallocated,33554432,monitor,monitor\r

                    """)
        }
        #expect(RenderFixtures.render(spec, .text, states: .final).contains("state A: initial\n"))
    }

    @Test func emptySpecRendersEmptyReports() {
        let spec = CompiledSpec(spec: Spec(machines: []), machines: [])
        #expect(RenderFixtures.render(spec, .text) == "")
        #expect(RenderFixtures.render(spec, .markdown) == "")
        #expect(RenderFixtures.render(spec, .csv) == "machine,state,region,kind,size_bytes,owner,on_fault\r\n")
        #expect(
            RenderFixtures.render(spec, .json) == """
                {
                  "format_version": "1.1",
                  "machines": [],
                  "state_selection": "all"
                }

                """)
    }

    // MARK: CSV

    @Test func csvParsesAsRFC4180WithTheContractHeader() throws {
        for spec in [RenderFixtures.workedExample(), RenderFixtures.fleet()] {
            let compiledSpec = try RenderFixtures.compile(spec)
            let csv = RenderFixtures.render(compiledSpec, .csv)
            let records = try #require(RenderFixtures.parseCSV(csv))
            #expect(records.first == ["machine", "state", "region", "kind", "size_bytes", "owner", "on_fault"])
            #expect(records.allSatisfy { $0.count == 7 })
            let expectedRows = compiledSpec.machines.reduce(0) { sum, machine in
                sum + machine.states.reduce(0) { $0 + $1.regions.count }
            }
            #expect(records.count == 1 + expectedRows)
        }
    }

    @Test func csvQuotesNamesThatNeedIt() throws {
        let spec = try RenderFixtures.compile(
            Spec(machines: [
                Machine(name: "m,1", memory: 64 * mi, monitor: 16 * mi, oses: [
                    OS(name: "o\"s", role: .active, memory: 32 * mi, kernel: 16 * mi, jobs: [
                        Job(name: "line\nbreak", memory: 8 * mi)
                    ])
                ])
            ]))
        let csv = RenderFixtures.render(spec, .csv, states: .final)
        #expect(csv.contains("\"m,1\",\"start line\nbreak\",\"line\nbreak\",job,8388608,\"o\"\"s\",monitor\r\n"))
        let records = try #require(RenderFixtures.parseCSV(csv))
        #expect(records.dropFirst().map { $0[0] } == Array(repeating: "m,1", count: 4))
        #expect(records.dropFirst().map { $0[2] } == ["o\"s", "monitor", "line\nbreak", "unallocated"])
    }

    @Test func testParserRejectsMalformedCSV() {
        #expect(RenderFixtures.parseCSV("a,b\r\n") == [["a", "b"]])
        #expect(RenderFixtures.parseCSV("\"a\"\"b\",\"\"\r\n") == [["a\"b", ""]])
        #expect(RenderFixtures.parseCSV("a,b\n") == nil)
        #expect(RenderFixtures.parseCSV("a,b") == nil)
        #expect(RenderFixtures.parseCSV("a\"b\r\n") == nil)
        #expect(RenderFixtures.parseCSV("\"a\"b\r\n") == nil)
        #expect(RenderFixtures.parseCSV("\"a\r\n") == nil)
    }

    // MARK: Markdown escaping and labels

    @Test func markdownEscapesOnlyWhatItMust() {
        #expect(CompileRenderer.markdown("web-1.a_b") == "web-1.a_b")
        #expect(CompileRenderer.markdown("rack2/dr") == "rack2/dr")
        #expect(CompileRenderer.markdown("a|b*c") == "a\\|b\\*c")
        #expect(CompileRenderer.markdown("a\nb") == "a b")
        #expect(CompileRenderer.markdown("<x>") == "\\<x\\>")
    }

    @Test func stateLabelsRunLikeSpreadsheetColumns() {
        let cases: [(Int, String)] = [
            (0, "A"), (1, "B"), (2, "C"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"),
            (701, "ZZ"), (702, "AAA"), (-3, "A"),
        ]
        for (index, label) in cases {
            #expect(CompileRenderer.stateLabel(index) == label, "index \(index)")
        }
    }

    // MARK: Properties

    @Test func invariantsHoldOnRandomSpecs() async {
        let runs = 300
        var compiledRuns = 0
        await propertyCheck(count: runs, input: Gen.int(in: 0...9999).array(of: 8...120)) { draws in
            let spec = RenderFixtures.randomSpec(draws)
            let (result, _) = Compiler.compile(spec)
            guard let compiledSpec = result else { return }  // rejected specs are not the subject here
            compiledRuns += 1
            RenderFixtures.checkTableInvariants(compiledSpec)
            RenderFixtures.checkRendering(compiledSpec, unit: Size.Unit.allCases[draws[0] % Size.Unit.allCases.count])
        }
        // Many random specs must compile, or the property says little.
        #expect(compiledRuns * 3 >= runs, "only \(compiledRuns) of \(runs) random specs compiled")
    }
}

// MARK: - Random specs and invariants

extension RenderFixtures {
    /// Reads bounded choices from a list of random integers; 0 once it runs out, so
    /// a shrunk list still builds a spec.
    struct Draws {
        var values: [Int]
        var position = 0

        mutating func next(_ range: ClosedRange<Int>) -> Int {
            let value = position < values.count ? values[position] : 0
            position += 1
            return range.lowerBound + value % (range.upperBound - range.lowerBound + 1)
        }

        mutating func chance(_ percent: Int) -> Bool { next(0...99) < percent }
    }

    /// One or two machines, up to four OSes each, up to four jobs per active OS.
    /// Sizes are whole granules; a few names need quoting or escaping in some format;
    /// some machines are overcommitted or some jobs cannot start (the compiler
    /// rejects those and the property skips them).
    static func randomSpec(_ values: [Int]) -> Spec {
        var d = Draws(values: values)
        let granules = [mi, 4 * mi, 64 * ki]
        let jobNames = ["job", "web", "db,1", "q\"x", "ünï", "a|b"]
        let machineCount = d.next(1...2)
        var machines: [Machine] = []
        for m in 0..<machineCount {
            let granule = granules[d.next(0...2)]
            let monitor = granule * d.next(1...8)
            let osCount = d.next(1...4)
            let roles: [OSRole] = (0..<osCount).map { i in i == 0 || !d.chance(40) ? .active : .standby }
            let standbys = roles.indices.filter { roles[$0] == .standby }.map { "s\($0)" }
            var oses: [OS] = []
            for (i, role) in roles.enumerated() {
                let memory = granule * d.next(1...64)
                let kernel = min(memory, granule * d.next(0...16))
                var jobs: [Job] = []
                var standby: OSReference?
                if role == .active {
                    if !standbys.isEmpty { standby = OSReference(os: standbys[d.next(0...standbys.count - 1)]) }
                    if machineCount == 2 && d.chance(20) { standby = OSReference(machine: "m\(1 - m)", os: "s1") }
                    for k in 0..<d.next(0...4) {
                        let name = "\(jobNames[d.next(0...jobNames.count - 1)])\(i)_\(k)"
                        let memory = granule * d.next(1...32)
                        let hot = d.chance(50)
                        let copy = hot ? granule * d.next(1...48) : nil
                        jobs.append(Job(name: name, memory: memory, hotStandby: hot, standbyMemory: copy))
                    }
                }
                oses.append(
                    OS(name: role == .active ? "os\(i)" : "s\(i)", role: role, memory: memory, kernel: kernel,
                       standby: standby, jobs: jobs))
            }
            let allocated = monitor + oses.reduce(0) { $0 + $1.memory }
            // Mostly room to spare; sometimes tight (expansions run into the reserve
            // or fail); rarely overcommitted.
            let spare = d.chance(5) ? -1 : d.chance(15) ? d.next(0...16) : d.next(64...512)
            machines.append(
                Machine(
                    name: "m\(m)", memory: allocated + granule * spare, monitor: monitor, granule: granule,
                    reserve: granule * d.next(0...8), oses: oses))
        }
        return Spec(machines: machines)
    }

    static func checkTableInvariants(_ compiledSpec: CompiledSpec) {
        for machine in compiledSpec.machines {
            let initialPool = machine.initial.last?.size ?? 0
            var previousPool = initialPool
            var count = 0
            for state in machine.states {
                count += 1
                let total = state.regions.reduce(0) { $0 + $1.size }
                #expect(total == machine.machine.memory, "\(machine.name) \(state.event)")
                #expect(state.regions.allSatisfy { $0.size >= 0 }, "\(machine.name) \(state.event)")
                let pool = state.regions.last?.size ?? -1
                #expect(state.regions.last?.kind == .unallocated)
                // Expansions never take the pool below the reserve, so it can sit below
                // the reserve only when it started there, and it never grows.
                #expect(pool >= min(machine.machine.reserve, initialPool))
                if state.expansion > 0 { #expect(pool >= machine.machine.reserve) }
                #expect(pool == previousPool - state.expansion)
                previousPool = pool
                if count == machine.steps.count + 1 {
                    #expect(state.regions == machine.final)
                    #expect(state == machine.finalState)
                }
            }
            #expect(count == machine.steps.count + 1)
        }
    }

    static func checkRendering(_ compiledSpec: CompiledSpec, unit: Size.Unit) {
        for selection in StateSelection.allCases {
            for format in OutputFormat.allCases {
                let first = RenderFixtures.render(compiledSpec, format, states: selection, unit: unit)
                let second = RenderFixtures.render(compiledSpec, format, states: selection, unit: unit)
                #expect(first == second, "\(format) \(selection) is not deterministic")
                if format == .text || format == .markdown {
                    let trailingSpace = first.split(separator: "\n").contains { $0.hasSuffix(" ") }
                    #expect(!trailingSpace, "trailing space in \(format)")
                }
                if format == .csv {
                    guard let records = RenderFixtures.parseCSV(first) else {
                        Issue.record("csv does not parse as RFC 4180")
                        continue
                    }
                    var expected: [[String]] = [CompileRenderer.csvHeader]
                    for machine in compiledSpec.machines {
                        CompileRenderer.forEachState(of: machine, selection) { shown in
                            for r in shown.state.regions {
                                expected.append([
                                    machine.name, shown.state.event.description, r.name, r.kind.rawValue, String(r.size),
                                    r.owner, r.onFault,
                                ])
                            }
                        }
                    }
                    #expect(records == expected)
                }
                if format == .json {
                    let parsed = try? JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
                    let machines = parsed?["machines"] as? [[String: Any]]
                    #expect(machines?.map { $0["name"] as? String } == compiledSpec.machines.map(\.name))
                    #expect(first.hasSuffix("}\n"))
                }
            }
        }
    }
}
