import Foundation
import Testing

@testable import StandbyKit

private let Mi = 1 << 20

/// The HTML capacity report: bar geometry against the tables' bytes, case ids,
/// self-containment, escaping, determinism, and the fleet overview's order.
@Suite struct HTMLReportTests {
    // MARK: - Fixtures

    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// examples/patent-fig4.yaml, compiled through the pipeline, and its plan.
    static func workedExample() throws -> (CompiledSpec, Plan) {
        let path = repoRoot.appendingPathComponent("examples/patent-fig4.yaml").path
        let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: path, bytes: Array(data)))
        #expect(!diagnostics.hasErrors)
        let spec = try #require(compiled)
        return (spec, Planner.plan(spec))
    }

    static func render(_ plan: Plan, _ compiled: CompiledSpec) -> String {
        var out = ""
        HTMLReport.render(plan, compiled: compiled, to: &out)
        return out
    }

    /// A fleet of 20 machines built in code, the worked example's shape with the
    /// pool, the hot-standby job's size and the number of actives varied, so
    /// that machines differ in cases not covered and in savings, and some tie.
    /// A copy needs half its job's memory, so the reserve minimum (and with it
    /// the savings) follows the job's size, and a `memory` case is covered
    /// when the pool holds that half.
    static func fleet() throws -> (CompiledSpec, Plan) {
        var machines: [Machine] = []
        for i in 0..<20 {
            let actives = 1 + i % 3
            let hot = (64 + (i % 4) * 32) * Mi
            let pool = (i % 5) * 48 * Mi
            var oses: [OS] = []
            for a in 0..<actives {
                oses.append(
                    OS(
                        name: "act\(a)", role: .active, memory: 32 * Mi + hot, kernel: 32 * Mi,
                        standby: OSReference(os: "sb"),
                        jobs: [
                            Job(name: "hot\(a)", memory: hot, hotStandby: true, standbyMemory: hot / 2),
                            Job(name: "plain\(a)", memory: 16 * Mi),
                        ]))
            }
            oses.append(OS(name: "sb", role: .standby, memory: 32 * Mi, kernel: 32 * Mi))
            let used = 32 * Mi + actives * (48 * Mi + hot) + 32 * Mi
            machines.append(Machine(name: "vm-\(i)", memory: used + pool, monitor: 32 * Mi, oses: oses))
        }
        let (compiled, diagnostics) = Compiler.compile(Spec(machines: machines))
        #expect(!diagnostics.hasErrors, "\(diagnostics)")
        let spec = try #require(compiled)
        return (spec, Planner.plan(spec))
    }

    // MARK: - A small parser for what the renderer writes

    struct Rect {
        var x: Int
        var width: Int
        var bytes: Int
        var title: String
        var fill: String
    }

    struct Chart {
        var open: String
        var body: String
        var scale: Int
        var span: Int
        var caseID: String?
        var rects: [Rect]
    }

    /// The value of `name="…"` in a start tag.
    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// A length in thousandths of the chart's width, from `37.5%` (-1 when
    /// it is not a percentage with at most one decimal).
    static func thousandths(_ text: String?) -> Int {
        guard let text, text.hasSuffix("%") else { return -1 }
        let parts = text.dropLast().split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int(parts[0]), parts.count <= 2 else { return -1 }
        guard parts.count == 2 else { return whole * 10 }
        guard parts[1].count == 1, let tenth = Int(parts[1]) else { return -1 }
        return whole * 10 + tenth
    }

    /// Every chart (`<svg role="img">`) of the page with its drawn rects: the
    /// rects with bytes (a pattern over a rect has none).
    static func charts(_ html: String) -> [Chart] {
        var charts: [Chart] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg ") {
            guard let end = rest[start.lowerBound...].range(of: "</svg>") else { break }
            let svg = rest[start.lowerBound..<end.upperBound]
            rest = rest[end.upperBound...]
            let open = svg[..<(svg.firstIndex(of: ">") ?? svg.endIndex)]
            // The legend's swatches and the patterns' definitions are hidden from readers: no charts.
            guard !open.contains("aria-hidden=\"true\"") else { continue }
            var rects: [Rect] = []
            var r = svg[...]
            while let rs = r.range(of: "<rect ") {
                let tagEnd = r[rs.lowerBound...].firstIndex(of: ">") ?? r.endIndex
                let tag = r[rs.lowerBound..<tagEnd]
                let after = r[tagEnd...]
                r = r[tagEnd...]
                guard let bytes = attribute("data-bytes", in: tag) else { continue }
                var title = ""
                if after.hasPrefix("><title>"), let t = after.range(of: "</title>") {
                    title = String(after[after.index(after.startIndex, offsetBy: 8)..<t.lowerBound])
                }
                rects.append(
                    Rect(
                        x: attribute("x", in: tag).map { thousandths($0) } ?? 0,
                        width: thousandths(attribute("width", in: tag)),
                        bytes: Int(bytes) ?? -1,
                        title: title, fill: attribute("class", in: tag) ?? ""))
            }
            charts.append(
                Chart(
                    open: String(open), body: String(svg),
                    scale: Int(attribute("data-scale", in: open) ?? "") ?? 0,
                    // Layout bars leave out `data-span`: it is always the full width.
                    span: Int(attribute("data-span", in: open) ?? "") ?? HTMLBars.width,
                    caseID: attribute("data-case", in: open), rects: rects))
        }
        return charts
    }

    /// `bytes × span / scale`, exactly, as a Double for comparing against a width.
    static func expectedWidth(_ bytes: Int, _ chart: Chart) -> Double {
        Double(bytes) * Double(chart.span) / Double(chart.scale)
    }

    // MARK: - Tests

    @Test func barsMatchTheTablesBytes() throws {
        let (compiled, plan) = try Self.workedExample()
        let html = Self.render(plan, compiled)
        let charts = Self.charts(html)
        let machine = try #require(compiled.machines.first)
        let memory = machine.machine.memory
        #expect(memory == 256 * Mi)

        // Every rect of every chart is as wide as its bytes on the chart's scale,
        // within the rounding of its two edges.
        for chart in charts where !chart.rects.isEmpty {
            #expect(chart.scale > 0 && chart.span > 0, "\(chart.open)")
            for rect in chart.rects {
                #expect(rect.bytes >= 0 && rect.width >= 0, "\(rect)")
                let expected = Self.expectedWidth(rect.bytes, chart)
                #expect(abs(Double(rect.width) - expected) <= 1.0, "\(rect) in \(chart.open)")
            }
        }

        let layouts = charts.filter { $0.caseID != nil }
        // Start-up plus one bar per `os` and `memory` case.
        let drawnCases = plan.cases.filter { $0.kind == .os || $0.kind == .memory }
        #expect(layouts.map { $0.caseID ?? "" } == ["vms50/start-up"] + drawnCases.map(\.id))
        for bar in layouts {
            // Every bar is the machine's memory wide, edge to edge, without gaps.
            #expect(bar.scale == memory)
            #expect(bar.span == HTMLBars.width)
            #expect(bar.rects.reduce(0) { $0 + $1.bytes } == memory, "\(bar.caseID ?? "")")
            var x = 0
            for rect in bar.rects {
                #expect(rect.x == x, "\(rect)")
                x += rect.width
            }
            #expect(x == HTMLBars.width)
        }

        // After start-up: docs/model.md's state C, region by region (the empty pool is not drawn).
        let startUp = try #require(layouts.first)
        #expect(startUp.rects.map(\.bytes) == machine.final.map(\.size).filter { $0 > 0 })
        #expect(startUp.rects.map(\.bytes) == [32, 32, 32, 128, 32].map { $0 * Mi })
        #expect(startUp.rects.map { $0.title.prefix { $0 != " " } } == ["active", "standby", "monitor", "A", "B"])

        // After each case: the traced table's regions, one rect each.
        let tracer = CaseTracer(compiled)
        for c in drawnCases {
            let bar = try #require(layouts.first { $0.caseID == c.id })
            let table = try #require(tracer.trace(c)?.after.first { $0.machine == c.machine })
            let expected = table.regions.filter { $0.size > 0 }
            #expect(bar.rects.map(\.bytes) == expected.map(\.size), "\(c.id)")
            for (rect, region) in zip(bar.rects, expected) {
                #expect(rect.title.hasPrefix(region.name + " "), "\(rect.title) for \(region.name)")
            }
        }

        // The `os` case: A's copy runs on the standby in the memory handed to it,
        // and B's region is back in the pool (docs/model.md, "When active fails").
        let os = try #require(layouts.first { $0.caseID == "vms50/os/active" })
        #expect(os.rects.map(\.bytes) == [32, 32, 32, 128, 32].map { $0 * Mi })
        #expect(os.body.contains("<title>A (standby) 128 MiB, copy started on standby</title>"))
        #expect(os.body.contains("<title>unallocated (monitor) 32 MiB, 32 MiB of it returned by the fault</title>"))
        #expect(os.body.contains("<rect x=\"37.5%\" width=\"50%\" class=\"mv\"/>"))
        #expect(os.body.contains("<rect x=\"87.5%\" width=\"12.5%\" class=\"rl\"/>"))
        // The `memory` case: nothing of active's regions can be read.
        let memoryCase = try #require(layouts.first { $0.caseID == "vms50/memory/active" })
        #expect(memoryCase.body.contains("<title>A (lost) (active) 128 MiB, cannot be read</title>"))
        #expect(memoryCase.body.components(separatedBy: "class=\"ls\"/>").count - 1 == 3)

        // The headline bars: fluid 384 MiB, duplicate 416 MiB, static 384 MiB,
        // drawn once, at the top: the machine's section does not repeat them.
        let totals = charts.filter { $0.open.contains("class=\"val\"") && $0.body.contains("otals</title>") }
        #expect(totals.count == 1)
        #expect(totals.first?.body.contains("<title>Totals") == true)
        #expect(totals.first?.rects.map(\.bytes) == [256, 384, 416, 384].map { $0 * Mi })
        #expect(totals.first?.scale == 416 * Mi)
    }

    @Test func showsEveryCaseAndWhyOneIsNotCovered() throws {
        let (compiled, plan) = try Self.workedExample()
        let html = Self.render(plan, compiled)
        #expect(!plan.cases.isEmpty)
        for c in plan.cases {
            #expect(html.contains(HTMLReport.escape(c.id)), "\(c.id)")
        }
        // The memory case is the one not covered: 128 MiB short, and a pool of
        // 128 MiB would cover it (with `pool: true` a standby raise is never
        // better, so none is offered).
        #expect(html.contains("<p class=\"bad\">Covered: no — 1 of 7 cases is not covered.</p>"))
        #expect(html.contains("<span class=\"bad\">covered: no — 1 of 7 cases is not covered</span>"))
        #expect(html.contains("<li><b>vms50/memory/active: 128 MiB short</b><ul>"))
        #expect(html.contains("; A could not start</li>"))
        #expect(html.contains("a pool of 128 MiB on vms50 after start-up"))
        #expect(html.contains("after start-up (machine memory +128 MiB)"))
        #expect(!html.contains("or standby at"))
        #expect(html.contains("fluid 384 MiB vs duplicate 416 MiB: saves 32 MiB (7.7 %); static 384 MiB</summary>"))
        // One machine: its section and its case table are open.
        #expect(html.contains("<details class=\"m\" id=\"m-vms50\" open>"))
        #expect(html.contains("<details class=\"cases\" open>"))
        #expect(!html.contains("id=\"overview\""))
    }

    @Test func isSelfContainedAndAccessible() throws {
        let (compiled, plan) = try Self.workedExample()
        let html = Self.render(plan, compiled)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(!html.contains("http://"))
        #expect(!html.contains("https://"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("@font-face"))
        // Every address is a fragment of this page.
        for attr in ["src=\"", "href=\"", "xlink:href=\""] {
            var rest = html[...]
            while let r = rest.range(of: attr) {
                rest = rest[r.upperBound...]
                #expect(rest.hasPrefix("#"), "\(attr)\(rest.prefix(40))")
            }
        }
        var rest = html[...]
        while let r = rest.range(of: "url(") {
            rest = rest[r.upperBound...]
            #expect(rest.hasPrefix("#"), "url(\(rest.prefix(40))")
        }
        // Every chart is an image with a name and a text alternative; every
        // drawn rect has its bytes and a tooltip.
        let charts = Self.charts(html)
        // The totals (once), three layout bars, the standbys.
        #expect(charts.count == 5)
        for chart in charts {
            #expect(chart.open.contains("role=\"img\""), "\(chart.open)")
            #expect(chart.body.contains("<title>") && chart.body.contains("<desc>"), "\(chart.open)")
            // Every rect is a drawn size with its bytes, or a pattern over one.
            let rects = chart.body.components(separatedBy: "<rect ").count - 1
            let patterns = ["mv", "rl", "ls"].reduce(0) {
                $0 + chart.body.components(separatedBy: "class=\"\($1)\"/>").count - 1
            }
            #expect(rects == chart.rects.count + patterns)
            for rect in chart.rects {
                #expect(rect.bytes >= 0 && !rect.title.isEmpty, "\(rect)")
            }
        }
        // The start-up bar's text alternative lists its regions and sizes.
        let startUp = try #require(charts.first { $0.caseID == "vms50/start-up" })
        #expect(
            startUp.body.contains(
                "<desc>active 32 MiB, own area; standby 32 MiB, own area; monitor 32 MiB; "
                    + "A 128 MiB, fails over to standby; B 32 MiB, returns to the pool on a fault; "
                    + "unallocated 0</desc>"))
        #expect(html.contains("@media print"))
    }

    @Test func escapesEveryCharacterHTMLGivesAMeaning() {
        #expect(HTMLReport.escape("vms50") == "vms50")
        #expect(HTMLReport.escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(HTMLReport.escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        #expect(HTMLReport.escape("&amp;") == "&amp;amp;")
        #expect(HTMLReport.escape("") == "")
        #expect(HTMLReport.escape("é<ü") == "é&lt;ü")
    }

    @Test func isDeterministic() throws {
        let (compiled, plan) = try Self.workedExample()
        #expect(Self.render(plan, compiled) == Self.render(plan, compiled))
        let (fleetCompiled, fleetPlan) = try Self.fleet()
        #expect(Self.render(fleetPlan, fleetCompiled) == Self.render(fleetPlan, fleetCompiled))
    }

    @Test func unitsAreExactAndRoundHalfUp() {
        #expect(HTMLBars.units(128 * Mi, of: 256 * Mi, span: 10_000) == 5_000)
        #expect(HTMLBars.units(1, of: 3, span: 10_000) == 3_333)
        #expect(HTMLBars.units(2, of: 3, span: 10_000) == 6_667)
        #expect(HTMLBars.units(1, of: 20_000, span: 10_000) == 1)
        #expect(HTMLBars.units(0, of: 5, span: 10_000) == 0)
        #expect(HTMLBars.units(5, of: 0, span: 10_000) == 0)
        // No overflow near the top of the range; bytes beyond the total clamp.
        #expect(HTMLBars.units(Int.max, of: Int.max, span: 10_000) == 10_000)
        #expect(HTMLBars.units(Int.max / 2, of: Int.max, span: 10_000) == 5_000)
        #expect(HTMLBars.units(Int.max, of: 10, span: 10_000) == 10_000)
    }

    /// The overview's machine names, in page order, with whether each links to a section.
    static func overviewRows(_ html: String) throws -> [(name: String, linked: Bool)] {
        let start = try #require(html.range(of: "<section id=\"overview\">"))
        let end = try #require(html[start.upperBound...].range(of: "</section>"))
        let body = try #require(html[start.upperBound..<end.lowerBound].range(of: "<tbody>\n"))
        var rows: [(String, Bool)] = []
        for line in html[body.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix("<tr") {
            let cell = line.components(separatedBy: "<td>")[1]
            if cell.hasPrefix("<a href=\"#m-") {
                rows.append((String(cell.dropFirst(12).prefix { $0 != "\"" }), true))
            } else {
                rows.append((cell, false))
            }
        }
        return rows
    }

    @Test func overviewIsSortedAsDocumentedAndLinksResolve() throws {
        let (compiled, plan) = try Self.fleet()
        let html = Self.render(plan, compiled)
        #expect(
            html.contains(
                "Sorted by cases not covered (most first), then cases short on the machine's memory "
                    + "(most first), then savings (largest first), then document order."))

        let rows = try Self.overviewRows(html)
        let names = rows.map(\.name)
        #expect(names.count == plan.machines.count)
        #expect(Set(names) == Set(plan.machines.map(\.name)))

        // Each machine's keys, counted here from its cases: its own not covered, and
        // the cases of any machine with a shortfall on it.
        var shortHere: [String: Int] = [:]
        for c in plan.cases { for s in c.shortages where s.shortfall > 0 { shortHere[s.machine, default: 0] += 1 } }
        let byName = Dictionary(uniqueKeysWithValues: plan.machines.enumerated().map { ($1.name, ($0, $1)) })
        func key(_ name: String) -> (uncovered: Int, short: Int, savings: Int, order: Int) {
            guard let (i, m) = byName[name] else { return (0, 0, 0, 0) }
            return (m.cases.filter { !$0.covered }.count, shortHere[name] ?? 0, m.savings, i)
        }
        for (a, b) in zip(names, names.dropFirst()) {
            let (ka, kb) = (key(a), key(b))
            let inOrder = (-ka.uncovered, -ka.short, -ka.savings, ka.order) < (-kb.uncovered, -kb.short, -kb.savings, kb.order)
            #expect(inOrder, "\(a) \(ka) before \(b) \(kb)")
        }
        // The fleet is varied enough for the order to mean something: machines
        // differ in cases not covered, and tie on it with different savings.
        let keys = names.map(key)
        #expect(Set(keys.map(\.uncovered)).count >= 2)
        #expect(
            Dictionary(grouping: keys, by: \.uncovered).values.contains { Set($0.map(\.savings)).count >= 2 })
        #expect(HTMLFleet(plan).overviewOrder.map { plan.machines[$0].name } == names)

        // The machines that need attention link to their sections; the others do not.
        for (name, linked) in rows {
            let k = key(name)
            #expect(linked == (k.uncovered > 0 || k.short > 0), "\(name)")
            #expect(html.contains("<details class=\"m\" id=\"m-\(name)\">") == linked, "\(name)")
        }
        #expect(rows.contains { $0.linked } && rows.contains { !$0.linked })

        // Every link points at an id of the page, and ids are unique; every
        // machine has an id, its section's or its row's.
        var ids: [String] = []
        var rest = html[...]
        while let r = rest.range(of: " id=\"") {
            rest = rest[r.upperBound...]
            ids.append(String(rest.prefix { $0 != "\"" }))
        }
        #expect(Set(ids).count == ids.count)
        #expect(Set(names.map { "m-" + $0 }).isSubset(of: Set(ids)))
        rest = html[...]
        var links = 0
        while let r = rest.range(of: "href=\"#") {
            rest = rest[r.upperBound...]
            let target = String(rest.prefix { $0 != "\"" })
            #expect(ids.contains(target), "#\(target)")
            links += 1
        }
        #expect(links == rows.filter(\.linked).count)
        // Many machines: every section is folded.
        #expect(!html.contains("<details class=\"m\" id=\"m-vm-0\" open>"))
    }

    @Test func largeMachinesAreDrawnAndTabledInGroups() throws {
        // Two actives of 25 jobs each: 55 regions, above the grouping threshold.
        func active(_ a: Int) -> OS {
            OS(
                name: "a\(a)", role: .active, memory: 132 * Mi, kernel: 32 * Mi, standby: OSReference(os: "sb"),
                jobs: (0..<25).map { j in Job(name: "a\(a)-j\(j)", memory: 4 * Mi, hotStandby: j % 2 == 0) })
        }
        let spec = Spec(machines: [
            Machine(
                name: "big", memory: 528 * Mi, monitor: 32 * Mi,
                oses: [active(0), active(1), OS(name: "sb", role: .standby, memory: 32 * Mi, kernel: 32 * Mi)])
        ])
        let (compiledSpec, diagnostics) = Compiler.compile(spec)
        #expect(!diagnostics.hasErrors, "\(diagnostics)")
        let compiled = try #require(compiledSpec)
        #expect(compiled.machines[0].final.count > HTMLBars.groupingThreshold)
        let plan = Planner.plan(compiled)
        let html = Self.render(plan, compiled)

        let layouts = Self.charts(html).filter { $0.caseID != nil }
        #expect(layouts.count == 1 + 2 * 2)
        for bar in layouts {
            #expect(bar.rects.reduce(0) { $0 + $1.bytes } == 528 * Mi, "\(bar.caseID ?? "")")
            for rect in bar.rects {
                #expect(abs(Double(rect.width) - Self.expectedWidth(rect.bytes, bar)) <= 1.0, "\(rect)")
            }
        }
        // After start-up, each OS with its jobs is one rect.
        let startUp = try #require(layouts.first)
        #expect(startUp.rects.map(\.bytes) == [132, 132, 32, 32, 200].map { $0 * Mi })
        #expect(startUp.rects[0].title == "a0 and its 25 jobs 132 MiB")
        // After a case, what it left alone is one rect; the copies are grouped.
        let os = try #require(layouts.first { $0.caseID == "big/os/a0" })
        #expect(os.body.contains("regions left alone (a1, monitor) 164 MiB</title>"))
        #expect(os.body.contains("<title>a0-j0 … a0-j24 (13 jobs) (sb) 52 MiB, copies</title>"))

        // Every case: os, standby and memory cases by id, job cases by job.
        for c in plan.cases where c.kind != .job {
            #expect(html.contains("<tr><td>\(c.id)<td>") || html.contains("<tr class=\"n\"><td>\(c.id)<td>"), "\(c.id)")
        }
        #expect(html.contains("<td>all 13 hot-standby jobs of a0<td>all 12 ordinary jobs of a0"))
        #expect(html.contains("<code>big/job/JOB/light</code> and <code>big/job/JOB/severe</code>"))
        let start = try #require(html.range(of: "<table class=\"jt\">"))
        let end = try #require(html[start.upperBound...].range(of: "</table>"))
        let outcomes = html[start.upperBound..<end.lowerBound]
        var listed: [String] = []
        for row in outcomes.components(separatedBy: "\n") where row.hasPrefix("<tr") {
            let jobs = row.components(separatedBy: "<td>").last ?? ""
            let names = jobs.drop { $0 != ":" }.dropFirst(2)
            listed += names.components(separatedBy: ", ")
        }
        let jobNames = spec.machines[0].oses.flatMap(\.jobs).map(\.name)
        #expect(listed.sorted() == jobNames.sorted())
    }

    /// A group of segments of many owners keeps each owner once, in order of
    /// appearance (what an OS case leaves alone on a machine of many OSes).
    @Test func groupingKeepsEachOwnerOnceInOrder() {
        let segments = (0..<1_000).map { i in
            BarSegment(name: "r\(i)", owner: "o\(i % 300)", bytes: 1, fill: "un", key: "same")
        }
        let grouped = BarSegment.grouped(segments)
        #expect(grouped.count == 1)
        #expect(grouped.first?.count == 1_000)
        #expect(grouped.first?.bytes == 1_000)
        #expect(grouped.first?.owners == (0..<300).map { "o\($0)" })
        #expect(grouped.first?.lastName == "r999")
    }

    /// One machine of 1,000 OSes: 40 actives, each with a hot-standby and an
    /// ordinary job, protected by the first of 960 standbys (the others are
    /// idle). Every OS and memory case bar has a left-alone group of about a
    /// thousand owners; at most 24 case bars are drawn.
    @Test func aMachineOfAThousandOSesDrawsABoundedNumberOfBars() throws {
        var oses: [OS] = (0..<40).map { a in
            OS(
                name: "a\(a)", role: .active, memory: 48 * Mi, kernel: 16 * Mi, standby: OSReference(os: "s0"),
                jobs: [
                    Job(name: "h\(a)", memory: 16 * Mi, hotStandby: true),
                    Job(name: "p\(a)", memory: 16 * Mi),
                ])
        }
        oses += (0..<960).map { s in OS(name: "s\(s)", role: .standby, memory: 16 * Mi, kernel: 16 * Mi) }
        #expect(oses.count == 1_000)
        let memory = 32 * Mi + 40 * 48 * Mi + 960 * 16 * Mi + 256 * Mi
        let spec = Spec(machines: [Machine(name: "big", memory: memory, monitor: 32 * Mi, oses: oses)])
        let (compiledSpec, diagnostics) = Compiler.compile(spec)
        #expect(!diagnostics.hasErrors, "\(diagnostics)")
        let compiled = try #require(compiledSpec)
        let plan = Planner.plan(compiled)
        let html = Self.render(plan, compiled)
        // One bar after start-up and one after each of the first 24 of the 40 OS and 40 memory cases.
        #expect(Self.charts(html).filter { $0.caseID != nil }.count == 1 + HTMLPage.maxCaseBars)
        #expect(html.contains("56 more <code>os</code> and <code>memory</code> cases are not drawn"))
        #expect(html.contains("<title>") && html.hasSuffix("</html>\n"))
    }

    /// The page of one machine grows linearly with its OSes (and so its
    /// cases) and with its jobs (its regions): doubling either adds at most
    /// about as much again as the last doubling did (a page quadratic in
    /// either would add twice as much, a cubic one four times). Sizes, not
    /// times: a bar for every case, or a list of every OS in every case's
    /// row, would show here as it would on a clock.
    @Test func thePageGrowsLinearlyWithOSesAndJobs() throws {
        /// One machine: `actives` OSes with `jobs` jobs each (every other one
        /// hot-standby), all protected by one standby with no memory beyond its
        /// kernel and no pool, so that the `memory` cases are not covered.
        func page(actives: Int, jobs: Int) throws -> Int {
            var oses = [OS(name: "sb", role: .standby, memory: 16 * Mi, kernel: 16 * Mi)]
            oses += (0..<actives).map { a in
                OS(
                    name: "a\(a)", role: .active, memory: (16 + 16 * jobs) * Mi, kernel: 16 * Mi,
                    standby: OSReference(os: "sb"),
                    jobs: (0..<jobs).map { j in Job(name: "a\(a)-j\(j)", memory: 16 * Mi, hotStandby: j % 2 == 0) })
            }
            let memory = 32 * Mi + 16 * Mi + actives * (16 + 16 * jobs) * Mi
            let spec = Spec(machines: [Machine(name: "big", memory: memory, monitor: 32 * Mi, oses: oses)])
            let (compiled, diagnostics) = Compiler.compile(spec)
            #expect(!diagnostics.hasErrors, "\(diagnostics)")
            let c = try #require(compiled)
            let plan = Planner.plan(c)
            #expect(plan.cases.contains { !$0.covered })
            return Self.render(plan, c).utf8.count
        }
        // Beyond the 24 case bars, so that their number no longer grows.
        let byOSes = try [100, 200, 400].map { try page(actives: $0, jobs: 2) }
        let byJobs = try [50, 100, 200].map { try page(actives: 3, jobs: $0) }
        for sizes in [byOSes, byJobs] {
            let (first, second) = (sizes[1] - sizes[0], sizes[2] - sizes[1])
            #expect(first > 0 && second > 0, "\(sizes)")
            #expect(Double(second) <= 2.3 * Double(first), "\(sizes)")
        }
    }

    /// Text, Markdown and HTML say the same sentences of the worked example's
    /// uncovered memory case, since all three take them from ``Sentences``:
    /// the headline, why (what the standby and the pool lacked), and what
    /// would cover it, here checked against the figures of docs/planning.md.
    @Test func everyFormatSaysTheSameWhyAndWhatWouldCoverIt() throws {
        let (compiled, plan) = try Self.workedExample()
        func render(_ format: OutputFormat) -> String {
            var out = ""
            PlanRenderer.render(plan, compiled: compiled, format: format, unit: .auto, to: &out)
            return out
        }
        let text = render(.text)
        let markdown = render(.markdown)
        let html = render(.html)
        let uncovered = plan.cases.filter { !$0.covered }
        #expect(uncovered.map(\.id) == ["vms50/memory/active"])
        let c = try #require(uncovered.first)
        let explanation = Sentences.explanation(c, pool: compiled.spec.policies.pool, unit: .auto)
        #expect(explanation.headline.plain == "vms50/memory/active: 128 MiB short")
        #expect(
            explanation.covers.map(\.plain) == [
                "would be covered by a pool of 128 MiB on vms50 after start-up (machine memory +128 MiB)"
            ])
        #expect(explanation.details.count == 3)
        let why = explanation.details.first { $0.plain.hasPrefix("standby: its copies need 128 MiB") }
        #expect(why != nil)
        for sentence in [explanation.headline] + explanation.details {
            #expect(text.contains(sentence.plain), "text: \(sentence.plain)")
            #expect(markdown.contains(sentence.rendered(CompileRenderer.markdown)), "markdown: \(sentence.plain)")
            #expect(html.contains(sentence.rendered(HTMLReport.escape)), "html: \(sentence.plain)")
        }
        // The savings and the coverage headline too.
        let savings = Sentences.savings(plan.totals, unit: .auto)
        let coverage = Sentences.coverage(total: 7, uncovered: 1)
        for (name, output) in [("text", text), ("markdown", markdown), ("html", html)] {
            #expect(output.contains(savings.dropFirst()), "\(name)")
            #expect(output.contains(coverage), "\(name)")
        }
    }
}
