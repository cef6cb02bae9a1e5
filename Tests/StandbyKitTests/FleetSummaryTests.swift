import Testing

@testable import StandbyKit

/// A generated fleet as YAML: `machines` machines, each with two actives and
/// one standby `sb`. Active `a0`'s first hot-standby job fails over to the next
/// machine's `sb` (a ring); every other hot-standby job to its own machine's
/// `sb`. A machine in `short` has no pool after start-up and its `sb` holds its
/// kernel alone, so the copy the previous machine sends it finds no memory.
func generatedFleet(machines: Int, short: Set<Int>) -> String {
    var y = "version: 1\npolicies:\n  faults: [os, job, standby]\nmachines:\n"
    for m in 0..<machines {
        let isShort = short.contains(m)
        let sb = isShort ? 256 : 512
        let pool = isShort ? 0 : 1024
        y += "  - name: m\(m)\n    memory: \(1024 + 2 * 1024 + sb + pool)Mi\n    monitor: 1Gi\n    oses:\n"
        for a in 0..<2 {
            y += "      - name: a\(a)\n        role: active\n        memory: 1Gi\n        kernel: 256Mi\n"
            y += "        standby: sb\n        jobs:\n"
            let next = "m\((m + 1) % machines)/sb"
            y += "          - {name: a\(a)-j0, memory: 256Mi, hot_standby: true\(a == 0 ? ", standby: \(next)" : "")}\n"
            y += "          - {name: a\(a)-j1, memory: 256Mi, hot_standby: true}\n"
            y += "          - {name: a\(a)-j2, memory: 256Mi}\n"
        }
        y += "      - name: sb\n        role: standby\n        memory: \(sb)Mi\n        kernel: 256Mi\n"
    }
    return y
}

/// The plan report as `standby plan` writes it: machine by machine from the
/// figures, with the least-memory fix when some case is not covered.
private func report(
    _ yaml: String, path: String = "fleet.yaml", format: OutputFormat = .text, detail: PlanDetail? = nil
) throws -> (text: String, compiled: CompiledSpec, fix: PlanFix?) {
    let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: path, bytes: Array(yaml.utf8)))
    #expect(!diagnostics.hasErrors, "\(diagnostics.all.map(\.message))")
    let spec = try #require(compiled)
    let figures = Planner.figures(spec)
    var fix: PlanFix?
    if !figures.covered { fix = PlanFix(advice: try LeastMemory.fix(spec.spec).get(), path: path) }
    var out = ""
    PlanRenderer.render(figures, compiled: spec, format: format, unit: .auto, fix: fix, detail: detail, path: path, to: &out)
    return (out, spec, fix)
}

@Suite struct FleetSummaryTests {
    /// A job of m16 fails over to m17, which has no pool: the first screen
    /// names m17 (not m16) and its fix, and the fix covers the fleet.
    @Test func theFirstScreenNamesTheShortMachineAndItsFix() throws {
        let yaml = generatedFleet(machines: 40, short: [17])
        let (text, _, fix) = try report(yaml)
        let screen = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(24).joined(separator: "\n")
        #expect(screen.hasPrefix("covered: no — "))
        #expect(screen.contains("\nneeds more memory ("))
        // m17's memory grows by the 256 MiB copy it cannot place; the case is m16's.
        #expect(screen.contains("\n  m17: memory 3328 MiB → 3584 MiB (fleet.yaml:"), "\(screen)")
        #expect(screen.contains("m16/os/a0 needs 256 MiB on m17"), "\(screen)")
        #expect(!screen.contains("\n  m16:"))
        // The fix, written into the spec's text and planned again, covers every case.
        let advice = try #require(fix?.advice)
        #expect(advice.machines.map(\.machine) == ["m17"])
        let edited = SpecEditor.apply(advice, to: Array(yaml.utf8))
        #expect(edited.left.isEmpty)
        let (fixed, diagnostics) = Pipeline.compile(SourceFile(path: "fleet.yaml", bytes: edited.text))
        #expect(!diagnostics.hasErrors)
        #expect(Planner.figures(try #require(fixed)).covered)
    }

    /// 1,000 machines, 60 of them short: the default text is a few dozen
    /// lines, the Markdown fits a pull-request comment even with a very long
    /// path, and each says how many machines it left out and how to see them.
    @Test func aThousandMachinesGiveAShortSummary() throws {
        let short = Set(stride(from: 5, to: 1000, by: 16).prefix(60))
        #expect(short.count == 60)
        let yaml = generatedFleet(machines: 1000, short: short)
        let text = try report(yaml).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count < 100, "\(lines.count) lines")
        #expect(text.contains("needs more memory (60 machines, most memory short first; `standby fix` writes the changes):"))
        #expect(text.contains("  … and 40 more: `standby fix` writes every change; `--detail machines` shows each machine\n"))
        let path = String(repeating: "very-long-directory-name/", count: 120) + "fleet.yaml"
        let markdown = try report(yaml, path: path, format: .markdown).text
        #expect(markdown.count < 65_536, "\(markdown.count) characters")
        #expect(markdown.contains("… and "))
        // With the detail asked for, every machine is there.
        let detailed = try report(yaml, detail: .machines).text
        #expect(detailed.components(separatedBy: "\nmachine m").count == 1001)
    }

    /// The HTML page counts its summary in its own pass over the machines, on
    /// every core: its lists say what the text's say, line for line.
    @Test func theHTMLSummaryIsTheTextSummary() throws {
        let yaml = generatedFleet(machines: 60, short: [7, 31, 44])
        let text = try report(yaml).text
        let html = try report(yaml, format: .html).text
        let textLines = text.split(separator: "\n").filter { $0.hasPrefix("  m") }.map { $0.dropFirst(2) }
        let htmlLines = html.split(separator: "\n").filter { $0.hasPrefix("<li>m") }.map {
            $0.dropFirst(4).dropLast(5)
        }
        #expect(textLines.count > 20)
        #expect(textLines.map(String.init) == htmlLines.map(String.init))
    }

    /// Every size column of every table, and every figures block, uses one unit.
    @Test func aColumnNeverMixesUnits() throws {
        let (text, _, _) = try report(generatedFleet(machines: 6, short: [2]), detail: .cases)
        var tables = 0
        var block: [[String]] = []
        func check() {
            defer { block = [] }
            guard block.count > 1 else { return }
            tables += 1
            for column in 0..<(block.map(\.count).max() ?? 0) {
                let units = Set(block.dropFirst().compactMap { row -> String? in
                    guard column < row.count else { return nil }
                    let parts = row[column].split(separator: " ")
                    guard parts.count == 2, Double(parts[0]) != nil else { return nil }
                    return String(parts[1])
                })
                #expect(units.count <= 1, "column \(column) of \(block[0]): \(units)")
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("  "), !line.hasPrefix("    ") else {
                check()
                continue
            }
            block.append(line.split(separator: "  ", omittingEmptySubsequences: true).map {
                $0.trimmingCharacters(in: .whitespaces)
            })
        }
        check()
        #expect(tables > 10)
    }
}

/// A machine that covers its own cases but whose standby is short for the
/// copy another machine's job starts there: its section does not stop at
/// "covered: yes" above the fix it needs.
@Suite struct ShortForOthersTests {
    @Test func aCoveredMachineShortForOthersCopiesSaysSo() throws {
        let yaml = generatedFleet(machines: 4, short: [2])
        let (text, compiled, _) = try report(yaml, detail: .machines)
        // What the plan says, planned: m2's own cases are covered; m1's cases short on m2.
        let plan = Planner.plan(compiled)
        let m2 = try #require(plan.machines.first { $0.name == "m2" })
        #expect(m2.cases.allSatisfy { $0.covered })
        let short = plan.machines.flatMap(\.cases).compactMap { c in
            c.shortages.first { $0.machine == "m2" && $0.shortfall > 0 }.map { (c.machine, $0.shortfall) }
        }
        #expect(!short.isEmpty && short.allSatisfy { $0.0 == "m1" })
        let largest = short.map(\.1).max() ?? 0
        let line = "  covered: yes — all \(m2.cases.count) cases are covered; but its memory is short for other "
            + "machines' copies: up to \(Size.format(largest, unit: .auto)), in \(short.count) "
            + "case\(short.count == 1 ? "" : "s") of m1"
        let section = try #require(text.components(separatedBy: "\nmachine m2: ").last)
        let lines = section.split(separator: "\n").map(String.init)
        #expect(lines.dropFirst().first == line, "\(section)")
        #expect(line.hasSuffix("up to 256 MiB, in 2 cases of m1"))
        #expect(section.contains("\n  fix: m2: memory "))
        // The machines whose memory is not short say nothing of the kind.
        for other in ["m0", "m1", "m3"] {
            let own = try #require(text.components(separatedBy: "\nmachine \(other): ").last?.components(separatedBy: "\nmachine ").first)
            #expect(!own.contains("short for other machines' copies"), "\(other)")
        }
        // Markdown says the same, escaped.
        let (markdown, _, _) = try report(yaml, format: .markdown, detail: .machines)
        #expect(markdown.contains("\nCovered: yes — all \(m2.cases.count) cases are covered; but its memory is short for other machines' copies: up to 256 MiB, in 2 cases of m1.\n"))
    }
}
