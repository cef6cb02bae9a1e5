import Foundation
import Testing

@testable import StandbyKit

private let Mi = 1 << 20

/// The HTML page of a fleet: which machines get a section (the attention
/// rule), the cap on sections, where a shortfall is said to be, the page's
/// size per machine, and the page streamed from ``PlanFigures`` against the
/// one of the whole ``Plan``.
@Suite struct HTMLFleetTests {
    // MARK: - Fixtures

    static func compile(_ spec: Spec) throws -> CompiledSpec {
        let (compiled, diagnostics) = Compiler.compile(spec)
        #expect(!diagnostics.hasErrors, "\(diagnostics)")
        return try #require(compiled)
    }

    /// `benchmarks/gen_fleet.py MACHINES ACTIVES JOBS` built in code: per
    /// machine, `sb0` protects the first half of the actives and `sb1` the
    /// rest; every fifth hot-standby job fails over to the next machine's `sb0`;
    /// the last job of each active expands it from the pool. The machines in
    /// `short` keep a pool of 64 MiB after start-up and give their `sb0` only
    /// its kernel, so the copies their neighbour sends there find no memory.
    static func benchmarkFleet(machines: Int, actives: Int = 6, jobs: Int = 25, short: Set<Int> = []) throws
        -> CompiledSpec
    {
        let job = 64 * Mi
        let kernel = 512 * Mi
        let active = kernel + job * (jobs - 1)
        var list: [Machine] = []
        for m in 0..<machines {
            let next = "m\((m + 1) % machines)"
            var oses: [OS] = (0..<actives).map { a in
                OS(
                    name: "a\(a)", role: .active, memory: active, kernel: kernel,
                    standby: OSReference(os: a < (actives + 1) / 2 ? "sb0" : "sb1"),
                    jobs: (0..<jobs).map { j in
                        let hot = j % 2 == 0
                        let remote = hot && j % 10 == 0 && machines > 1
                        return Job(
                            name: "a\(a)-j\(j)", memory: job, hotStandby: hot,
                            standbyMemory: hot && !remote && j % 4 == 0 ? job / 2 : nil,
                            standby: remote ? OSReference(machine: next, os: "sb0") : nil)
                    })
            }
            let isShort = short.contains(m)
            oses.append(OS(name: "sb0", role: .standby, memory: isShort ? kernel : 1024 * Mi, kernel: kernel))
            oses.append(OS(name: "sb1", role: .standby, memory: 1024 * Mi, kernel: kernel))
            let pool = (isShort ? 64 * Mi : 8192 * Mi) + actives * job
            let memory = 4096 * Mi + actives * active + oses.suffix(2).reduce(0) { $0 + $1.memory } + pool
            list.append(Machine(name: "m\(m)", memory: memory, monitor: 4096 * Mi, oses: oses))
        }
        let policies = Policies(memoryLost: Percentage(numerator: 50, denominator: 100))
        return try compile(Spec(policies: policies, machines: list))
    }

    /// The worked example's machine (docs/model.md): its `memory` case is not covered.
    static func workedMachine(_ name: String) -> Machine {
        Machine(
            name: name, memory: 256 * Mi, monitor: 32 * Mi,
            oses: [
                OS(
                    name: "active", role: .active, memory: 160 * Mi, kernel: 32 * Mi, standby: OSReference(os: "standby"),
                    jobs: [
                        Job(name: "A", memory: 128 * Mi, hotStandby: true, standbyMemory: 128 * Mi),
                        Job(name: "B", memory: 32 * Mi),
                    ]),
                OS(name: "standby", role: .standby, memory: 32 * Mi, kernel: 32 * Mi),
            ])
    }

    /// Three machines: `left`'s hot-standby job fails over to the standby of
    /// `right`, which has no memory free for its copy, nor a pool; `right`'s
    /// own job fails over to the same standby on its own machine, which the
    /// memory handed over covers. `ok` has nothing to do with them. Only `os`
    /// and `job` faults, so that `right`'s own cases are all covered.
    static func crossMachine() throws -> CompiledSpec {
        func machine(_ name: String, standby: OSReference, pool: Int) -> Machine {
            Machine(
                name: name, memory: 32 * Mi + 160 * Mi + 32 * Mi + pool, monitor: 32 * Mi,
                oses: [
                    OS(
                        name: "app", role: .active, memory: 160 * Mi, kernel: 32 * Mi, standby: OSReference(os: "sb"),
                        jobs: [Job(name: "db", memory: 128 * Mi, hotStandby: true, standby: standby)]),
                    OS(name: "sb", role: .standby, memory: 32 * Mi, kernel: 32 * Mi),
                ])
        }
        return try compile(
            Spec(
                policies: Policies(faults: [.os, .job]),
                machines: [
                    machine("left", standby: OSReference(machine: "right", os: "sb"), pool: 256 * Mi),
                    machine("right", standby: OSReference(os: "sb"), pool: 0),
                    machine("ok", standby: OSReference(os: "sb"), pool: 0),
                ]))
    }

    static func page(_ compiled: CompiledSpec, allMachines: Bool = false) -> String {
        var out = ""
        HTMLReport.render(Planner.plan(compiled), compiled: compiled, allMachines: allMachines, to: &out)
        return out
    }

    static func streamedPage(_ compiled: CompiledSpec, allMachines: Bool = false) -> String {
        var out = ""
        HTMLReport.render(Planner.figures(compiled), compiled: compiled, allMachines: allMachines, to: &out)
        return out
    }

    /// The machines with a section, in page order.
    static func sections(_ html: String) -> [String] {
        html.components(separatedBy: "<details class=\"m\" id=\"m-").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// The overview row of `machine`: its cells.
    static func row(_ machine: String, in html: String) -> [String]? {
        for line in html.split(separator: "\n") where line.hasPrefix("<tr") {
            let cells = line.components(separatedBy: "<td>")
            guard cells.count > 2 else { continue }
            if cells[1] == machine || cells[1].hasPrefix("<a href=\"#m-\(machine)\">") { return cells }
        }
        return nil
    }

    // MARK: - Tests

    /// `right`'s own cases are covered, but `left`'s job fails over to it and
    /// finds no memory there: the shortfall is said to be on `right`, wherever
    /// it shows, and `right` gets a section though none of its cases fails.
    @Test func theMachineThatIsShortIsNamedAndGetsASection() throws {
        let compiled = try Self.crossMachine()
        let plan = Planner.plan(compiled)
        let short = plan.cases.filter { !$0.covered }
        #expect(!short.isEmpty && short.allSatisfy { $0.machine == "left" })
        #expect(short.allSatisfy { $0.shortages.map(\.machine) == ["right"] && $0.shortfall == 128 * Mi })
        #expect(plan.machines[1].cases.allSatisfy { $0.covered })

        let html = Self.page(compiled)
        #expect(Self.sections(html) == ["left", "right"])
        // The overview: left's cases need memory on right; right's memory is short in left's cases.
        let left = try #require(Self.row("left", in: html))
        #expect(left[3] == "left/os/app: needs 128 MiB on right")
        #expect(left[4] == "")
        let right = try #require(Self.row("right", in: html))
        #expect(right[2] == "0")
        #expect(right[3] == "")
        #expect(right[4] == "up to 128 MiB, in \(short.count) cases of left")
        let ok = try #require(Self.row("ok", in: html))
        #expect(ok[0] == "<tr id=\"m-ok\">")
        // left's case table and case bar say where the memory is missing.
        #expect(html.contains("<tr class=\"n\"><td>left/os/app<td>no<td><td>needs 128 MiB on right<td>"))
        #expect(html.contains(
            "After <code>left/os/app</code>: <span class=\"bad\">not covered</span>, needs 128 MiB on right"))
        #expect(!html.contains("128 MiB short on left"))
        // right's section explains left's cases, and draws right's memory after them.
        #expect(html.contains("<h3>Cases of other machines short here (\(short.count))</h3>"))
        #expect(html.contains("<li><b>left/os/app: needs 128 MiB on right</b>"))
        #expect(html.contains("After <code>left/os/app</code> (a fault on left): <span class=\"bad\">not covered</span>"))
        #expect(html.contains("data-case=\"left/os/app\" data-scale=\"\(plan.machines[1].memory)\""))
        #expect(html.contains("memory short in \(short.count) cases of other machines</span></summary>"))
    }

    /// Every machine of sixty needs attention (its `memory` case is not
    /// covered): fifty get a section, in the overview's order, and the page
    /// says how many are left out and how to see them all.
    @Test func sectionsAreCappedAndThePageSaysSo() throws {
        let compiled = try Self.compile(Spec(machines: (0..<60).map { Self.workedMachine("vm\($0)") }))
        let html = Self.page(compiled)
        // All tie on every key: document order.
        #expect(Self.sections(html) == (0..<HTMLFleet.maxSections).map { "vm\($0)" })
        #expect(html.contains("60 of 60 machines do; the 50 first in this table have a section below, "
            + "and <b>10 more are left out</b>"))
        #expect(html.contains("<code>standby plan SPEC --format html --detail machines</code> gives every machine its section."))
        for i in 50..<60 { #expect(html.contains("<tr class=\"n\" id=\"m-vm\(i)\"><td>vm\(i)<td>1<td>"), "vm\(i)") }

        let all = Self.page(compiled, allMachines: true)
        #expect(Self.sections(all) == (0..<60).map { "vm\($0)" })
        #expect(all.contains("Every machine has a section below, in document order."))
        #expect(!all.contains("left out"))
    }

    /// A fleet of the benchmark's shape, three machines made short: only
    /// those, and the neighbours whose cases run short there, get a section.
    /// The page's bytes are bounded per machine: the header, a row per
    /// machine and at most 50 sections, so that 1,000 machines stay under
    /// 5 MiB whatever number of them is short.
    @Test func aFleetPageIsBoundedPerMachine() throws {
        let compiled = try Self.benchmarkFleet(machines: 60, short: [15, 30, 45])
        let html = Self.page(compiled)
        #expect(Self.sections(html) == ["m14", "m29", "m44", "m15", "m30", "m45"])
        #expect(try #require(Self.row("m14", in: html))[3] == "m14/os/a0: needs 128 MiB on m15")

        let overview = try #require(html.range(of: "<section id=\"overview\">"))
        let header = html[..<overview.lowerBound].utf8.count
        let end = try #require(html[overview.upperBound...].range(of: "</section>"))
        let rows = html[overview.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("<tr") }
        #expect(rows.count == 60)
        let row = rows.map { $0.utf8.count + 1 }.max() ?? 0
        let sections = html.components(separatedBy: "<details class=\"m\"").dropFirst().map(\.utf8.count)
        let section = sections.max() ?? 0
        #expect(row <= 300, "\(row) bytes per row")
        #expect(section <= 64 * 1024, "\(section) bytes per section")
        let bound = header + 1_000 * row + HTMLFleet.maxSections * section
        #expect(bound < 5 * 1024 * 1024, "\(bound)")
    }

    /// The page made from ``PlanFigures`` (the machines simulated on every
    /// core, the sectioned ones planned again) is the whole plan's, byte for byte.
    @Test func theStreamedPageIsTheWholePlansPage() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        var specs = [try Self.crossMachine(), try Self.benchmarkFleet(machines: 12, jobs: 5, short: [3, 7])]
        for name in ["patent-fig4.yaml", "cross-machine.yaml", "shared-standby.yaml"] {
            let path = url.appendingPathComponent(name).path
            let data = try #require(FileManager.default.contents(atPath: path))
            let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: path, bytes: Array(data)))
            #expect(!diagnostics.hasErrors)
            specs.append(try #require(compiled))
        }
        for compiled in specs {
            for all in [false, true] {
                let whole = Self.page(compiled, allMachines: all)
                #expect(Self.streamedPage(compiled, allMachines: all) == whole, "\(compiled.machines.map(\.name))")
            }
        }
        // The plan renderer's streaming path writes the page its whole plan's path writes, summary included.
        let compiled = specs[1]
        var streamed = ""
        PlanRenderer.render(
            Planner.figures(compiled), compiled: compiled, format: .html, unit: .auto, to: &streamed)
        var whole = ""
        PlanRenderer.render(Planner.plan(compiled), compiled: compiled, format: .html, unit: .auto, to: &whole)
        #expect(streamed == whole)
        let titles = streamed.components(separatedBy: "<h2>").dropFirst().map { $0.prefix(while: { $0 != "<" }) }
        #expect(titles.first == "Memory to spare", "\(titles)")
    }
}
