/// Stage: plan → a report (`standby plan`), and one case's tables → a report
/// (`standby plan --case ID`).
///
/// Plan formats:
/// - `text`: leads with the answer — whether every case is covered and what the
///   fluid layout saves against the duplicate one (the static total too) — then
///   the fleet's figures when there is more than one machine, then per machine:
///   its standbys (allocated, minimum, the actives each protects), its actives
///   (footprint, protecting standbys), its figures (footprint, reserve minimum,
///   the three totals, savings), the cases that are not covered with why and
///   what would cover them, the cases where a standby is down and jobs run
///   unprotected, and every case in one aligned table. Sizes in the chosen unit.
/// - `markdown`: the same content with `##` and `###` headings and tables.
/// - `json`: the stable plan document (`format_version` 1.0, MODEL.md's "Stable
///   output contract", described by `schemas/plan.schema.json`); sizes in bytes,
///   keys sorted. Every case has `severity` and `action`: a string for a `job`
///   case, `null` for every other kind, so all cases have the same keys.
/// - `csv`: RFC 4180, header
///   `machine,case,kind,target,severity,covered,shortfall_bytes,pool_draw_bytes,lost_jobs`,
///   one record per case. `severity` is empty except for `job` cases, `covered` is
///   `true` or `false`, and `lost_jobs` holds the lost jobs joined with `;` (no
///   valid name holds a `;`), empty when none is lost.
/// - `html`: the page written by ``HTMLReport``.
///
/// Case formats (``renderCase(_:format:unit:to:)``): the tables of the machines
/// the case affects before the fault (the final start-up tables), each step the
/// monitor takes, and the tables after the last step.
/// - `text` and `markdown`: the tables as `standby compile` draws them, the steps
///   as a numbered list.
/// - `json`: `schemas/case.schema.json`: `case`, `machines[]` (each with its
///   `before` and `after` regions) and `steps[]`.
/// - `csv`: RFC 4180, header `case,table,machine,region,kind,size_bytes,owner,on_fault`,
///   one record per region of each table; `table` is `before` or `after`. The
///   steps are in the other formats only: CSV holds one table per export.
/// - `html`: the Markdown report (a case has no HTML page of its own).
///
/// Output is deterministic: the same plan, format and unit always give the same
/// bytes. The writers stream: each write to the output holds at most one case
/// (or one row); a ``UTF8OutputStream`` gets JSON cases and CSV rows in pieces
/// of about 32 KiB. Given ``PlanFigures`` instead of a ``Plan``, the text and
/// Markdown reports plan one machine at a time and keep only its cases, and
/// the JSON and CSV exports write each case as it is simulated and keep none,
/// so a fleet's ~300,000 cases are never in memory together.
public enum PlanRenderer {
    /// Writes the report of a plan. `compiled` is the spec the plan was made from:
    /// it gives each machine's granule and reserve and the spec's policies.
    public static func render(
        _ plan: Plan, compiled: CompiledSpec, format: OutputFormat, unit: Size.Unit,
        to out: inout some TextOutputStream
    ) {
        let summary = PlanSummary(plan)
        let machines: Machines = { body in plan.machines.forEach(body) }
        let exported = plan.machines.lazy.map { m in
            ExportMachine(plan: m, covered: m.cases.allSatisfy(\.covered), forEachCase: { m.cases.forEach($0) })
        }
        switch format {
        case .text: renderText(summary, machines, compiled: compiled, unit: unit, to: &out)
        case .markdown: renderMarkdown(summary, machines, compiled: compiled, unit: unit, to: &out)
        case .json:
            let piece = piece(out)
            renderJSON(summary) { json in
                for m in exported { writeMachineJSON(m, piece: piece, into: &json) { $0.flush(to: &out) } }
            } flush: { $0.flush(to: &out) }
        case .csv: renderCSV(exported, piece: piece(out)) { $0.flush(to: &out) }
        case .html: HTMLReport.render(plan, compiled: compiled, to: &out)
        }
    }

    /// Writes the report of a plan made one machine at a time: `figures` come
    /// from ``Planner/figures(_:faults:)`` on `compiled`, and each machine is
    /// planned (``Planner/forEachMachine(_:_:)``), written and dropped in turn.
    /// The bytes are those ``render(_:compiled:format:unit:to:)`` writes for the
    /// whole plan. Text and Markdown hold one machine's cases at a time; JSON
    /// and CSV write each case as it is simulated and hold none but the output
    /// of the few machines written at once on other cores; HTML needs the
    /// whole plan and makes it.
    public static func render(
        _ figures: PlanFigures, compiled: CompiledSpec, format: OutputFormat, unit: Size.Unit,
        to out: inout some TextOutputStream
    ) {
        let summary = PlanSummary(figures)
        let machines: Machines = { body in Planner.forEachMachine(figures, body) }
        switch format {
        case .text: renderText(summary, machines, compiled: compiled, unit: unit, to: &out)
        case .markdown: renderMarkdown(summary, machines, compiled: compiled, unit: unit, to: &out)
        case .json:
            let piece = piece(out)
            renderJSON(summary) { json in
                writeMachinesJSONInParallel(figures, into: &json, piece: piece) { $0.flush(to: &out) }
            } flush: { $0.flush(to: &out) }
        case .csv: renderCSVInParallel(figures, piece: piece(out)) { $0.flush(to: &out) }
        case .html:
            var plan = Plan(faults: figures.faults, machines: [], totals: figures.totals)
            machines { plan.machines.append($0) }
            HTMLReport.render(plan, compiled: compiled, to: &out)
        }
    }

    /// Hands each machine's plan, in document order, to its argument.
    typealias Machines = ((MachinePlan) -> Void) -> Void

    /// How many bytes the JSON and CSV writers buffer before they hand them to
    /// `out`. A stream that takes bytes buffers them anyway: it gets larger
    /// pieces, which saves a dynamic cast per case; any other gets one case (or
    /// row) at a time.
    ///
    /// The writers take the stream as a closure that flushes them, not as a
    /// generic parameter: a public renderer generic over its stream is not
    /// specialized for the caller's, and the writers would then not be
    /// specialized for the kind of case either.
    static func piece(_ out: some TextOutputStream) -> Int {
        out is any UTF8OutputStream ? 1 << 15 : 0
    }

    /// What a report says of the whole plan before its machines.
    struct PlanSummary {
        var faults: [FaultKind]
        var caseCount = 0
        var uncoveredCaseCount = 0
        var machineCount: Int
        var totals: FleetTotals

        init(_ plan: Plan) {
            faults = plan.faults
            machineCount = plan.machines.count
            totals = plan.totals
            for m in plan.machines {
                caseCount += m.cases.count
                for c in m.cases where !c.covered { uncoveredCaseCount += 1 }
            }
        }

        init(_ figures: PlanFigures) {
            faults = figures.faults
            caseCount = figures.caseCount
            uncoveredCaseCount = figures.uncoveredCaseCount
            machineCount = figures.machineCount
            totals = figures.totals
        }
    }

    /// Writes one case step by step: the tables before the fault, each step, the
    /// tables after it.
    public static func renderCase(
        _ trace: CaseTrace, format: OutputFormat, unit: Size.Unit, to out: inout some TextOutputStream
    ) {
        switch format {
        case .text: renderCaseText(trace, unit: unit, to: &out)
        case .markdown, .html: renderCaseMarkdown(trace, unit: unit, to: &out)
        case .json: renderCaseJSON(trace, to: &out)
        case .csv: renderCaseCSV(trace, to: &out)
        }
    }

    /// The header of the plan CSV export (the stable output contract).
    public static let csvHeader = [
        "machine", "case", "kind", "target", "severity", "covered", "shortfall_bytes", "pool_draw_bytes", "lost_jobs",
    ]

    /// The header of the case CSV export.
    public static let caseCSVHeader = [
        "case", "table", "machine", "region", "kind", "size_bytes", "owner", "on_fault",
    ]

    /// What joins the jobs of one CSV field (`lost_jobs`). Names hold only
    /// letters, digits, `.`, `_`, `-` and `/`, so it never occurs inside one.
    public static let csvListSeparator = ";"

    // MARK: - Sentences shared by text and Markdown

    /// `no — 1 of 7 cases is not covered`, `yes — all 7 cases are covered`.
    static func coverage(total: Int, uncovered: Int) -> String {
        if total == 0 { return "yes — no case was simulated" }
        if uncovered == 0 {
            return total == 1 ? "yes — the only case is covered" : "yes — all \(total) cases are covered"
        }
        let cases = total == 1 ? "case" : "cases"
        return "no — \(uncovered) of \(total) \(cases) \(uncovered == 1 ? "is" : "are") not covered"
    }

    /// `fluid 384 MiB vs duplicate 416 MiB: saves 32 MiB (7.7 %); static 384 MiB`.
    static func savingsSentence(
        fluid: Int, duplicate: Int, static staticTotal: Int, savings: Int, percent: RoundedPercent, unit: Size.Unit
    ) -> String {
        var text = "fluid \(Size.format(fluid, unit: unit)) vs duplicate \(Size.format(duplicate, unit: unit)): "
        if savings >= 0 {
            text += "saves \(Size.format(savings, unit: unit)) (\(percent) %)"
        } else {
            // The magnitude of Int.min does not fit an Int; no plan comes near it.
            text += "costs \(Size.format(savings == Int.min ? Int.max : -savings, unit: unit)) more (\(percent) %)"
        }
        return text + "; static \(Size.format(staticTotal, unit: unit))"
    }

    static func faultList(_ faults: [FaultKind]) -> String {
        faults.isEmpty ? "none" : faults.map(\.rawValue).joined(separator: ", ")
    }

    static func list(_ names: [String], empty: String = "-") -> String {
        names.isEmpty ? empty : names.joined(separator: ", ")
    }

    /// The figures of a machine or of the fleet, as label and value.
    static func figures(
        footprint: Int, reserveMinimum: Int, pool: Int?, fluid: Int, duplicate: Int, static staticTotal: Int,
        savings: Int, percent: RoundedPercent, unit: Size.Unit
    ) -> [(label: String, value: String, note: String)] {
        var rows: [(String, String, String)] = [
            ("footprint", Size.format(footprint, unit: unit), "active OSes with their jobs"),
            ("reserve minimum", Size.format(reserveMinimum, unit: unit), "pool that failover needs after start-up"),
        ]
        if let pool {
            rows.append(("pool after start-up", Size.format(pool, unit: unit), "unallocated in the final table"))
        }
        let base = "monitor + footprint + "
        rows += [
            ("fluid total", Size.format(fluid, unit: unit), base + "standby minimums + reserve minimum"),
            ("duplicate total", Size.format(duplicate, unit: unit), base + "standbys mirroring their actives"),
            ("static total", Size.format(staticTotal, unit: unit), base + "standbys sized for their copies"),
            ("savings", Size.format(savings, unit: unit), "\(percent) % of the duplicate total"),
        ]
        return rows
    }

    static func machineFigures(_ m: MachinePlan, unit: Size.Unit) -> [(label: String, value: String, note: String)] {
        figures(
            footprint: m.footprint, reserveMinimum: m.reserveMinimum, pool: m.pool, fluid: m.fluidTotal,
            duplicate: m.duplicateTotal, static: m.staticTotal, savings: m.savings, percent: m.savingsPercent,
            unit: unit)
    }

    static func fleetFigures(_ t: FleetTotals, unit: Size.Unit) -> [(label: String, value: String, note: String)] {
        figures(
            footprint: t.footprint, reserveMinimum: t.reserveMinimum, pool: nil, fluid: t.fluidTotal,
            duplicate: t.duplicateTotal, static: t.staticTotal, savings: t.savings, percent: t.savingsPercent,
            unit: unit)
    }

    /// Why a case is not covered and what would cover it: one headline and its
    /// detail lines, in the order text and Markdown print them.
    ///
    /// `name` is applied to every name in the sentences (Markdown escapes them),
    /// so that the sentences themselves pass unchanged.
    static func explanation(
        _ c: FaultCase, pool poolPolicy: Bool, unit: Size.Unit, name: (String) -> String = { $0 }
    ) -> (headline: String, details: [String]) {
        let size = { (bytes: Int) in Size.format(bytes, unit: unit) }
        func names(_ list: [String]) -> String { list.map(name).joined(separator: ", ") }
        var parts: [String] = []
        if c.shortfall > 0 { parts.append("\(size(c.shortfall)) short") }
        if !c.unrecoverable.isEmpty {
            let n = c.unrecoverable.count
            parts.append("\(n) \(n == 1 ? "job" : "jobs") no memory can bring back")
        }
        var details: [String] = []
        for shortage in c.shortages {
            // Standbys are named on the shortage's machine; show them as the case's
            // own names are shown: plain on the case's machine, qualified elsewhere.
            func qualify(_ standby: String) -> String {
                name(shortage.machine == c.machine ? standby : "\(shortage.machine)/\(standby)")
            }
            for s in shortage.standbys {
                var line = "\(qualify(s.standby)): its copies need \(size(s.need)); it had \(size(s.free)) free"
                line += " and was handed \(size(s.handed)); "
                line += poolPolicy
                    ? "the pool gave it \(size(s.drawn)) of the \(size(s.missing)) it lacked"
                    : "it lacked \(size(s.missing)) and may not draw from the pool (pool: false)"
                if !s.shortJobs.isEmpty {
                    line += "; \(names(s.shortJobs)) could not start"
                }
                details.append(line)
            }
            details.append(
                "pool of \(name(shortage.machine)): held \(size(shortage.held)) (\(size(shortage.released)) of it "
                    + "released by the fault), gave \(size(shortage.draw)); \(size(shortage.shortfall)) short")
            var fixes: [String] = []
            if let required = shortage.requiredPool {
                fixes.append(
                    "a pool of \(size(required)) on \(name(shortage.machine)) after start-up "
                        + "(reserve: \(size(required)), machine memory +\(size(shortage.shortfall)))")
            }
            if !shortage.standbys.isEmpty {
                let raised = shortage.standbys.map { "\(qualify($0.standby)) at \(size($0.coveringAllocation))" }
                let growth = shortage.standbys.reduce(0) { satAdd($0, $1.missing) }
                fixes.append(raised.joined(separator: " and ") + " (machine memory +\(size(growth)))")
            }
            if !fixes.isEmpty {
                details.append("would be covered by " + fixes.joined(separator: ", or "))
            }
        }
        for u in c.unrecoverable {
            switch u.reason {
            case .standbyDown(let standby):
                details.append("\(name(u.job)): its standby \(name(standby)) stops in the same fault")
            case .stoppedByPolicy:
                details.append("\(name(u.job)): its fault policy stops it")
            case .noStandby:
                details.append("\(name(u.job)): its standby names no OS of the spec")
            }
        }
        let headline = parts.isEmpty ? name(c.id) : "\(name(c.id)): " + parts.joined(separator: "; ")
        return (headline, details)
    }

    /// `A runs unprotected (128 MiB)`.
    static func unprotectedSentence(_ c: FaultCase, unit: Size.Unit, name: (String) -> String = { $0 }) -> String {
        let verb = c.unprotectedJobs.count == 1 ? "runs" : "run"
        return "\(c.unprotectedJobs.map(name).joined(separator: ", ")) \(verb) unprotected "
            + "(\(Size.format(c.unprotectedMemory, unit: unit)))"
    }

    /// The cells of one row of the cases table.
    static func caseCells(_ c: FaultCase, unit: Size.Unit, empty: String) -> [String] {
        [
            c.id, c.covered ? "yes" : "no", Size.format(c.shortfall, unit: unit), Size.format(c.poolDraw, unit: unit),
            list(c.lostJobs, empty: empty), list(c.takenOver, empty: empty),
        ]
    }

    static let caseColumns = ["case", "covered", "shortfall", "pool draw", "lost jobs", "taken over"]

    /// Per machine, its compiled form, looked up once.
    static func compiledMachines(_ compiled: CompiledSpec) -> [String: CompiledMachine] {
        var byName: [String: CompiledMachine] = [:]
        for machine in compiled.machines where byName[machine.name] == nil { byName[machine.name] = machine }
        return byName
    }

    static func summary(_ m: MachinePlan, _ compiled: CompiledMachine?, unit: Size.Unit) -> String {
        if let compiled { return CompileRenderer.machineSummary(compiled.machine, unit: unit) }
        return "\(Size.format(m.memory, unit: unit)), monitor \(Size.format(m.monitor, unit: unit))"
    }

    // MARK: - Text

    static func renderText(
        _ plan: PlanSummary, _ machines: Machines, compiled: CompiledSpec, unit: Size.Unit,
        to out: inout some TextOutputStream
    ) {
        let t = plan.totals
        out.write("covered: \(coverage(total: plan.caseCount, uncovered: plan.uncoveredCaseCount))\n")
        out.write(
            savingsSentence(
                fluid: t.fluidTotal, duplicate: t.duplicateTotal, static: t.staticTotal, savings: t.savings,
                percent: t.savingsPercent, unit: unit) + "\n")
        out.write("faults: \(faultList(plan.faults))\n")
        if plan.machineCount > 1 {
            out.write("\nfleet of \(plan.machineCount) machines:\n")
            writeFigures(fleetFigures(t, unit: unit), to: &out)
        }
        let byName = compiledMachines(compiled)
        machines { m in
            out.write("\nmachine \(m.name): \(summary(m, byName[m.name], unit: unit))\n")
            if plan.machineCount > 1 {
                let bad = m.cases.reduce(0) { $0 + ($1.covered ? 0 : 1) }
                out.write("  covered: \(coverage(total: m.cases.count, uncovered: bad))\n")
            }
            writeMachineText(m, pool: compiled.spec.policies.pool, unit: unit, to: &out)
        }
    }

    static func writeMachineText(_ m: MachinePlan, pool: Bool, unit: Size.Unit, to out: inout some TextOutputStream) {
        out.write("\n")
        if m.standbys.isEmpty {
            out.write("  no standby OS\n")
        } else {
            writeTable(
                ["standby", "allocated", "minimum", "protects"], rightAligned: [false, true, true, false],
                rows: m.standbys.map {
                    [$0.name, Size.format($0.allocated, unit: unit), Size.format($0.minimum, unit: unit),
                     list($0.protects)]
                }, to: &out)
        }
        out.write("\n")
        if m.actives.isEmpty {
            out.write("  no active OS\n")
        } else {
            writeTable(
                ["active", "footprint", "protected by"], rightAligned: [false, true, false],
                rows: m.actives.map { [$0.name, Size.format($0.footprint, unit: unit), list($0.protectedBy)] },
                to: &out)
        }
        out.write("\n")
        writeFigures(machineFigures(m, unit: unit), to: &out)
        if !m.unrecoverableJobs.isEmpty {
            out.write("\n  jobs no memory can bring back: \(list(m.unrecoverableJobs))\n")
        }

        var first = true
        for c in m.cases where !c.covered {
            if first { out.write("\n  not covered:\n") }
            first = false
            let (headline, details) = explanation(c, pool: pool, unit: unit)
            out.write("    \(headline)\n")
            for line in details { out.write("      \(line)\n") }
        }
        first = true
        for c in m.cases where !c.unprotectedJobs.isEmpty {
            if first { out.write("\n  while a standby is down:\n") }
            first = false
            out.write("    \(c.id): \(unprotectedSentence(c, unit: unit))\n")
        }

        guard !m.cases.isEmpty else {
            out.write("\n  no case simulated\n")
            return
        }
        // Two passes over the cases, formatting each row twice, rather than holding
        // every row's cells: a machine can have hundreds of thousands of cases.
        var widths = caseColumns.map(\.count)
        for c in m.cases {
            for (i, cell) in caseCells(c, unit: unit, empty: "-").enumerated() {
                widths[i] = max(widths[i], min(cell.count, i == 4 ? maxListWidth : Int.max))
            }
        }
        let right = [false, false, true, true, false, false]
        out.write("\n")
        out.write(tableRow(caseColumns, widths: widths, rightAligned: right))
        for c in m.cases {
            out.write(tableRow(caseCells(c, unit: unit, empty: "-"), widths: widths, rightAligned: right))
        }
    }

    /// The widest the lost-jobs column grows: an OS with many ordinary jobs loses
    /// them all in one case, and that one cell must not push the last column of
    /// every other row far to the right. A longer cell overflows its column.
    static let maxListWidth = 40

    /// An aligned table, two spaces in, two between columns; the last column is
    /// not padded, so no line ends in a space.
    static func writeTable(
        _ header: [String], rightAligned: [Bool], rows: [[String]], to out: inout some TextOutputStream
    ) {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        out.write(tableRow(header, widths: widths, rightAligned: rightAligned))
        for row in rows { out.write(tableRow(row, widths: widths, rightAligned: rightAligned)) }
    }

    static func tableRow(_ cells: [String], widths: [Int], rightAligned: [Bool]) -> String {
        var line = ""
        line.reserveCapacity(2 + widths.reduce(0) { $0 + $1 + 2 })
        line += " "
        for (i, cell) in cells.enumerated() {
            let width = i < widths.count ? widths[i] : 0
            let right = i < rightAligned.count && rightAligned[i]
            let last = i == cells.count - 1
            let gap = max(0, width - cell.count)
            line += " "
            if right { appendSpaces(gap, to: &line) }
            line += cell
            if !right && !last { appendSpaces(gap, to: &line) }
            if !last { line += " " }
        }
        line += "\n"
        return line
    }

    private static let blanks = String(repeating: " ", count: 64)

    /// Pads from a constant string: building padding a character at a time was
    /// most of the time a fleet's text report took.
    private static func appendSpaces(_ count: Int, to line: inout String) {
        var left = count
        while left > 0 {
            let chunk = min(left, 64)
            line.append(contentsOf: blanks.prefix(chunk))
            left -= chunk
        }
    }

    /// `label  value  note` lines, values right-aligned.
    static func writeFigures(
        _ rows: [(label: String, value: String, note: String)], to out: inout some TextOutputStream
    ) {
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let valueWidth = rows.map(\.value.count).max() ?? 0
        for row in rows {
            let label = row.label + String(repeating: " ", count: labelWidth - row.label.count)
            let value = String(repeating: " ", count: valueWidth - row.value.count) + row.value
            out.write("  \(label)  \(value)  \(row.note)\n")
        }
    }

    // MARK: - Markdown

    static func renderMarkdown(
        _ plan: PlanSummary, _ machines: Machines, compiled: CompiledSpec, unit: Size.Unit,
        to out: inout some TextOutputStream
    ) {
        let md = CompileRenderer.markdown
        let t = plan.totals
        out.write("**Covered: \(coverage(total: plan.caseCount, uncovered: plan.uncoveredCaseCount)).**\n\n")
        let savings = savingsSentence(
            fluid: t.fluidTotal, duplicate: t.duplicateTotal, static: t.staticTotal, savings: t.savings,
            percent: t.savingsPercent, unit: unit)
        out.write(capitalized(savings) + ".\n\n")
        out.write("Faults simulated: \(faultList(plan.faults)).\n")
        if plan.machineCount > 1 {
            out.write("\n## Fleet of \(plan.machineCount) machines\n\n")
            writeMarkdownFigures(fleetFigures(t, unit: unit), to: &out)
        }
        let byName = compiledMachines(compiled)
        let pool = compiled.spec.policies.pool
        machines { m in
            out.write("\n## Machine \(md(m.name))\n\n")
            out.write("Memory \(md(summary(m, byName[m.name], unit: unit))).\n")
            if plan.machineCount > 1 {
                let bad = m.cases.reduce(0) { $0 + ($1.covered ? 0 : 1) }
                out.write("\nCovered: \(coverage(total: m.cases.count, uncovered: bad)).\n")
            }

            out.write("\n### Standbys\n\n")
            if m.standbys.isEmpty {
                out.write("No standby OS.\n")
            } else {
                out.write("| standby | allocated | minimum | protects |\n|---|--:|--:|---|\n")
                for s in m.standbys {
                    out.write(
                        "| \(md(s.name)) | \(Size.format(s.allocated, unit: unit)) | "
                            + "\(Size.format(s.minimum, unit: unit)) | \(md(list(s.protects, empty: ""))) |\n")
                }
            }
            out.write("\n### Actives\n\n")
            if m.actives.isEmpty {
                out.write("No active OS.\n")
            } else {
                out.write("| active | footprint | protected by |\n|---|--:|---|\n")
                for a in m.actives {
                    out.write(
                        "| \(md(a.name)) | \(Size.format(a.footprint, unit: unit)) | "
                            + "\(md(list(a.protectedBy, empty: ""))) |\n")
                }
            }
            out.write("\n### Figures\n\n")
            writeMarkdownFigures(machineFigures(m, unit: unit), to: &out)
            if !m.unrecoverableJobs.isEmpty {
                out.write("\nJobs no memory can bring back: \(md(list(m.unrecoverableJobs))).\n")
            }

            var first = true
            for c in m.cases where !c.covered {
                if first { out.write("\n### Not covered\n\n") }
                first = false
                let (headline, details) = explanation(c, pool: pool, unit: unit, name: md)
                out.write("- **\(headline)**\n")
                for line in details { out.write("  - \(line)\n") }
            }
            first = true
            for c in m.cases where !c.unprotectedJobs.isEmpty {
                if first { out.write("\n### While a standby is down\n\n") }
                first = false
                out.write("- \(md(c.id)): \(unprotectedSentence(c, unit: unit, name: md))\n")
            }

            out.write("\n### Cases\n\n")
            if m.cases.isEmpty {
                out.write("No case simulated.\n")
                return
            }
            out.write("| case | covered | shortfall | pool draw | lost jobs | taken over |\n")
            out.write("|---|---|--:|--:|---|---|\n")
            for c in m.cases {
                out.write("| " + caseCells(c, unit: unit, empty: "").map(md).joined(separator: " | ") + " |\n")
            }
        }
    }

    static func writeMarkdownFigures(
        _ rows: [(label: String, value: String, note: String)], to out: inout some TextOutputStream
    ) {
        out.write("| figure | size | meaning |\n|---|--:|---|\n")
        for row in rows { out.write("| \(row.label) | \(row.value) | \(row.note) |\n") }
    }

    private static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    // MARK: - JSON

    /// The plan's document; `machines` writes the elements of its `machines` array.
    static func renderJSON(
        _ plan: PlanSummary, machines: (inout JSONWriter) -> Void, flush: (inout JSONWriter) -> Void
    ) {
        var json = JSONWriter()
        json.beginObject()
        json.field("covered", plan.uncoveredCaseCount == 0)
        json.key("faults")
        json.beginArray()
        for kind in plan.faults { json.string(kind.rawValue) }
        json.endArray()
        json.field("format_version", jsonFormatVersion)
        json.key("machines")
        json.beginArray()
        machines(&json)
        json.endArray()
        let t = plan.totals
        json.key("totals")
        json.beginObject()
        json.field("case_count", plan.caseCount)
        json.field("duplicate_total_bytes", t.duplicateTotal)
        json.field("fluid_total_bytes", t.fluidTotal)
        json.field("footprint_bytes", t.footprint)
        json.field("machine_count", plan.machineCount)
        json.field("reserve_minimum_bytes", t.reserveMinimum)
        json.field("savings_bytes", t.savings)
        json.key("savings_percent")
        json.decimal(t.savingsPercent.tenths, decimals: 1)
        json.field("static_total_bytes", t.staticTotal)
        json.field("uncovered_case_count", plan.uncoveredCaseCount)
        json.endObject()
        json.endObject()
        flush(&json)
    }

    /// Writes one machine; the cases are flushed once `piece` bytes or more are
    /// buffered (0: one case at a time).
    static func writeMachineJSON<Case: ExportedCase>(
        _ machine: ExportMachine<Case>, piece: Int, into json: inout JSONWriter, flush: (inout JSONWriter) -> Void
    ) {
        let m = machine.plan
        json.beginObject()
        json.key("actives")
        json.beginArray()
        for a in m.actives {
            json.beginObject()
            json.field("footprint_bytes", a.footprint)
            json.field("name", a.name)
            writeStrings("protected_by", a.protectedBy, into: &json)
            json.endObject()
        }
        json.endArray()
        json.key("cases")
        json.beginArray()
        let keys = CaseKeys.shared
        machine.forEachCase { c in
            writeCaseJSON(c, keys: keys, into: &json)
            // A fleet's cases run to hundreds of megabytes: never buffer them all.
            if json.bufferedByteCount >= piece { flush(&json) }
        }
        json.endArray()
        json.field("covered", machine.covered)
        json.field("duplicate_total_bytes", m.duplicateTotal)
        json.field("fluid_total_bytes", m.fluidTotal)
        json.field("footprint_bytes", m.footprint)
        json.field("memory_bytes", m.memory)
        json.field("monitor_bytes", m.monitor)
        json.field("name", m.name)
        json.field("pool_bytes", m.pool)
        json.field("reserve_minimum_bytes", m.reserveMinimum)
        json.field("savings_bytes", m.savings)
        json.key("savings_percent")
        json.decimal(m.savingsPercent.tenths, decimals: 1)
        json.key("standbys")
        json.beginArray()
        for s in m.standbys {
            json.beginObject()
            json.field("allocated_bytes", s.allocated)
            json.field("kernel_bytes", s.kernel)
            json.field("minimum_bytes", s.minimum)
            json.field("name", s.name)
            writeStrings("protects", s.protects, into: &json)
            json.field("resident_bytes", s.resident)
            json.endObject()
        }
        json.endArray()
        json.field("static_total_bytes", m.staticTotal)
        writeStrings("unrecoverable_jobs", m.unrecoverableJobs, into: &json)
        json.endObject()
        flush(&json)
    }

    static func writeCaseJSON(_ c: some ExportedCase, keys k: borrowing CaseKeys, into json: inout JSONWriter) {
        // Member by member in line: a fleet writes hundreds of thousands of
        // cases. Most of a case's lists are empty, and an empty one is written
        // here rather than through a call.
        var o = json.beginMembers()
        o.field(k.action, orNull: c.actionName)
        o.field(k.covered, c.covered)
        o.field(k.id, c.id)
        o.field(k.kind, c.kindName)
        let lost = c.lostJobs
        lost.isEmpty ? o.emptyArray(k.lostJobs) : o.strings(k.lostJobs, lost)
        o.field(k.poolDrawBytes, c.poolDraw)
        o.field(k.severity, orNull: c.severityName)
        c.hasShortages ? writeShortages(c.shortages, keys: k, into: &o) : o.emptyArray(k.shortages)
        o.field(k.shortfallBytes, c.shortfall)
        let takenOver = c.takenOver
        takenOver.isEmpty ? o.emptyArray(k.takenOver) : o.strings(k.takenOver, takenOver)
        o.field(k.target, c.target)
        let unprotected = c.unprotectedJobs
        unprotected.isEmpty ? o.emptyArray(k.unprotectedJobs) : o.strings(k.unprotectedJobs, unprotected)
        o.field(k.unprotectedMemoryBytes, c.unprotectedMemory)
        c.hasUnrecoverable ? writeUnrecoverable(c.unrecoverable, keys: k, into: &o) : o.emptyArray(k.unrecoverable)
        json.endMembers(o)
    }

    private static func writeShortages(_ shortages: [Shortage], keys k: CaseKeys, into o: inout JSONWriter.Members) {
        o.objects(k.shortages, shortages) { o, s in
            o.field(k.drawBytes, s.draw)
            o.field(k.heldBytes, s.held)
            o.field(k.machine, s.machine)
            o.field(k.releasedBytes, s.released)
            o.field(k.requiredPoolBytes, orNull: s.requiredPool)
            o.field(k.shortfallBytes, s.shortfall)
            o.objects(k.standbys, s.standbys) { o, st in
                o.field(k.coveringAllocationBytes, st.coveringAllocation)
                o.field(k.drawnBytes, st.drawn)
                o.field(k.freeBytes, st.free)
                o.field(k.handedBytes, st.handed)
                o.field(k.missingBytes, st.missing)
                o.field(k.needBytes, st.need)
                o.strings(k.shortJobs, st.shortJobs)
                o.field(k.standby, st.standby)
            }
        }
    }

    private static func writeUnrecoverable(_ jobs: [UnrecoverableJob], keys k: CaseKeys, into o: inout JSONWriter.Members) {
        o.objects(k.unrecoverable, jobs) { o, u in
            o.field(k.job, u.job)
            switch u.reason {
            case .standbyDown(let standby):
                o.field(k.reason, "standby_down")
                o.field(k.standby, standby)
            case .stoppedByPolicy:
                o.field(k.reason, "stopped_by_policy")
                o.field(k.standby, orNull: String?.none)
            case .noStandby:
                o.field(k.reason, "no_standby")
                o.field(k.standby, orNull: String?.none)
            }
        }
    }

    static func writeStrings(_ key: String, _ values: [String], into json: inout JSONWriter) {
        json.key(key)
        json.beginArray()
        for value in values { json.string(value) }
        json.endArray()
    }

    /// The keys of a case and what it holds, quoted once: a fleet writes them
    /// hundreds of thousands of times. A case's own members are at depth 5 (in
    /// the document, `machines`, a machine, `cases`, the case), so theirs are
    /// also made ready with that indentation; any key is right at any depth.
    /// A renderer takes ``shared`` once per machine and lends it to each case,
    /// rather than reading a global per member.
    struct CaseKeys {
        static let shared = CaseKeys()
        static let caseDepth = 5
        let action = JSONWriter.Key("action", depth: Self.caseDepth)
        let covered = JSONWriter.Key("covered", depth: Self.caseDepth)
        let coveringAllocationBytes = JSONWriter.Key("covering_allocation_bytes")
        let drawBytes = JSONWriter.Key("draw_bytes")
        let drawnBytes = JSONWriter.Key("drawn_bytes")
        let freeBytes = JSONWriter.Key("free_bytes")
        let handedBytes = JSONWriter.Key("handed_bytes")
        let heldBytes = JSONWriter.Key("held_bytes")
        let id = JSONWriter.Key("id", depth: Self.caseDepth)
        let job = JSONWriter.Key("job")
        let kind = JSONWriter.Key("kind", depth: Self.caseDepth)
        let lostJobs = JSONWriter.Key("lost_jobs", depth: Self.caseDepth)
        let machine = JSONWriter.Key("machine")
        let missingBytes = JSONWriter.Key("missing_bytes")
        let needBytes = JSONWriter.Key("need_bytes")
        let poolDrawBytes = JSONWriter.Key("pool_draw_bytes", depth: Self.caseDepth)
        let reason = JSONWriter.Key("reason")
        let releasedBytes = JSONWriter.Key("released_bytes")
        let requiredPoolBytes = JSONWriter.Key("required_pool_bytes")
        let severity = JSONWriter.Key("severity", depth: Self.caseDepth)
        let shortJobs = JSONWriter.Key("short_jobs")
        let shortages = JSONWriter.Key("shortages", depth: Self.caseDepth)
        let shortfallBytes = JSONWriter.Key("shortfall_bytes", depth: Self.caseDepth)
        let standby = JSONWriter.Key("standby")
        let standbys = JSONWriter.Key("standbys")
        let takenOver = JSONWriter.Key("taken_over", depth: Self.caseDepth)
        let target = JSONWriter.Key("target", depth: Self.caseDepth)
        let unprotectedJobs = JSONWriter.Key("unprotected_jobs", depth: Self.caseDepth)
        let unprotectedMemoryBytes = JSONWriter.Key("unprotected_memory_bytes", depth: Self.caseDepth)
        let unrecoverable = JSONWriter.Key("unrecoverable", depth: Self.caseDepth)
    }

    // MARK: - CSV

    static func renderCSV<Case: ExportedCase>(
        _ machines: some Sequence<ExportMachine<Case>>, piece: Int, flush: (inout CSVWriter) -> Void
    ) {
        var csv = CSVWriter()
        writeCSVHeader(into: &csv)
        flush(&csv)
        for machine in machines { writeMachineCSV(machine, piece: piece, into: &csv, flush: flush) }
        flush(&csv)
    }

    /// The plan's CSV with the rows of its machines made on every core, written
    /// in machine order as soon as those before them are: the bytes of
    /// ``renderCSV(_:piece:flush:)``, as ``writeMachinesJSONInParallel(_:into:piece:flush:)``
    /// does for the JSON.
    static func renderCSVInParallel(_ figures: PlanFigures, piece: Int, flush: (inout CSVWriter) -> Void) {
        let threads = parallelThreads()
        guard threads > 1 && figures.machineCount > 1 else {
            return renderCSV(figures.exportMachines(), piece: piece, flush: flush)
        }
        var csv = CSVWriter()
        writeCSVHeader(into: &csv)
        flush(&csv)
        nonisolated(unsafe) let simulators = figures.exporters(threads)
        parallelInOrder(figures.machineCount, threads: threads, window: 2 * threads) { m, thread, product in
            let (simulator, namer) = simulators[thread]
            // Taken out, so that the writer's buffer is not shared, and not copied.
            var writer = product.take() ?? CSVWriter()
            writeMachineCSV(
                figures.exportMachine(m, simulator: simulator, namer: namer), piece: .max, into: &writer,
                flush: { _ in })
            product = writer
        } consume: { _, writer in
            flush(&writer)
        }
    }

    private static func writeCSVHeader(into csv: inout CSVWriter) {
        for field in csvHeader { csv.field(field) }
        csv.endRow()
    }

    /// One row per case of `machine`; the rows are flushed once `piece` bytes or
    /// more are buffered.
    private static func writeMachineCSV<Case: ExportedCase>(
        _ machine: ExportMachine<Case>, piece: Int, into csv: inout CSVWriter, flush: (inout CSVWriter) -> Void
    ) {
        let name = machine.plan.name
        machine.forEachCase { c in
            csv.field(name)
            csv.field(text: c.id)
            csv.field(text: c.kindName)
            csv.field(text: c.target)
            if let severity = c.severityName { csv.field(text: severity) } else { csv.field("") }
            csv.field(c.covered ? "true" : "false")
            csv.field(c.shortfall)
            csv.field(c.poolDraw)
            csv.field(joining: c.lostJobs, separator: csvListSeparatorByte)
            csv.endRow()
            if csv.bufferedByteCount >= piece { flush(&csv) }
        }
    }

    /// ``csvListSeparator`` as its one byte.
    static let csvListSeparatorByte = UInt8(ascii: ";")

    // MARK: - One case

    /// A step as a sentence, sizes in `unit`; the machine is named only when the
    /// case touches more than one.
    static func stepDescription(
        _ event: CaseEvent, unit: Size.Unit, machinePrefix: Bool, name: (String) -> String = { $0 }
    ) -> String {
        let size = { (bytes: Int) in Size.format(bytes, unit: unit) }
        let text: String
        switch event.named(name) {
        case .cutOff(_, let region, let bytes): text = "cut off \(size(bytes)) of \(region): it cannot be read"
        case .handOver(_, let region, let bytes, let standby): text = "hand \(region) (\(size(bytes))) to \(standby)"
        case .release(_, let region, let bytes): text = "return \(region) (\(size(bytes))) to the pool"
        case .mergeIntoOS(_, let region, let os): text = "stop \(region) and merge its region into \(os)"
        case .draw(_, let standby, let bytes): text = "give \(standby) \(size(bytes)) from the pool"
        case .startCopy(_, let standby, let copy, let bytes): text = "start \(copy) on \(standby) (\(size(bytes)))"
        case .cannotStart(_, let standby, let copy, let bytes):
            text = "\(copy) cannot start on \(standby): \(size(bytes)) not free"
        case .loseMachine: text = "the machine fails, all its memory is gone"
        }
        return machinePrefix ? "\(name(event.machine)): \(text)" : text
    }

    static func renderCaseText(_ trace: CaseTrace, unit: Size.Unit, to out: inout some TextOutputStream) {
        out.write("case \(trace.caseID)\n")
        for table in trace.before {
            out.write("\nmachine \(table.machine) before the fault (the final start-up table):\n")
            CompileRenderer.writeTextTable(table.regions, unit: unit, to: &out)
        }
        let prefix = trace.before.count > 1
        if trace.events.isEmpty {
            out.write("\nsteps: none; nothing moves\n")
        } else {
            out.write("\nsteps:\n")
            let width = String(trace.events.count).count
            for (i, event) in trace.events.enumerated() {
                let number = String(i + 1)
                out.write(
                    "  " + String(repeating: " ", count: width - number.count) + number + ". "
                        + stepDescription(event, unit: unit, machinePrefix: prefix) + "\n")
            }
        }
        for table in trace.after {
            let note = table.lost ? " (the machine is lost)" : ""
            out.write("\nmachine \(table.machine) after the fault\(note):\n")
            CompileRenderer.writeTextTable(table.regions, unit: unit, to: &out)
        }
    }

    static func renderCaseMarkdown(_ trace: CaseTrace, unit: Size.Unit, to out: inout some TextOutputStream) {
        let md = CompileRenderer.markdown
        out.write("## Case \(md(trace.caseID))\n")
        func table(_ regions: [Region]) {
            out.write("| region | size | owner | on fault |\n|---|---|---|---|\n")
            for r in regions {
                out.write(
                    "| \(md(r.name)) | \(Size.format(r.size, unit: unit)) | \(md(r.owner)) | \(md(r.onFault)) |\n")
            }
        }
        for t in trace.before {
            out.write("\n### Machine \(md(t.machine)) before the fault\n\nThe final start-up table.\n\n")
            table(t.regions)
        }
        out.write("\n### Steps\n\n")
        if trace.events.isEmpty { out.write("None: nothing moves.\n") }
        let prefix = trace.before.count > 1
        for (i, event) in trace.events.enumerated() {
            out.write("\(i + 1). \(stepDescription(event, unit: unit, machinePrefix: prefix, name: md))\n")
        }
        for t in trace.after {
            out.write("\n### Machine \(md(t.machine)) after the fault\n\n")
            if t.lost { out.write("The machine is lost.\n\n") }
            table(t.regions)
        }
    }

    static func renderCaseJSON(_ trace: CaseTrace, to out: inout some TextOutputStream) {
        var json = JSONWriter()
        json.beginObject()
        json.field("case", trace.caseID)
        json.field("format_version", jsonFormatVersion)
        json.key("machines")
        json.beginArray()
        for (i, before) in trace.before.enumerated() {
            // `after` lists the same machines in the same order as `before`.
            let after = i < trace.after.count ? trace.after[i] : before
            json.beginObject()
            json.regions("after", after.regions, flushingTo: &out)
            json.regions("before", before.regions, flushingTo: &out)
            json.field("lost", after.lost)
            json.field("memory_bytes", before.memory)
            json.field("name", before.machine)
            json.endObject()
        }
        json.endArray()
        json.key("steps")
        json.beginArray()
        for (i, event) in trace.events.enumerated() {
            json.beginObject()
            switch event {
            case .cutOff(_, let region, let bytes):
                json.field("action", "cut_off")
                stepFields(event, index: i, os: nil, region: region, bytes: bytes, standby: nil, into: &json)
            case .handOver(_, let region, let bytes, let standby):
                json.field("action", "hand_over")
                stepFields(event, index: i, os: nil, region: region, bytes: bytes, standby: standby, into: &json)
            case .release(_, let region, let bytes):
                json.field("action", "release")
                stepFields(event, index: i, os: nil, region: region, bytes: bytes, standby: nil, into: &json)
            case .mergeIntoOS(_, let region, let os):
                json.field("action", "merge_into_os")
                stepFields(event, index: i, os: os, region: region, bytes: nil, standby: nil, into: &json)
            case .draw(_, let standby, let bytes):
                json.field("action", "draw")
                stepFields(event, index: i, os: nil, region: nil, bytes: bytes, standby: standby, into: &json)
            case .startCopy(_, let standby, let copy, let bytes):
                json.field("action", "start_copy")
                json.field("copy", copy)
                stepFields(event, index: i, os: nil, region: nil, bytes: bytes, standby: standby, into: &json)
            case .cannotStart(_, let standby, let copy, let bytes):
                json.field("action", "cannot_start")
                json.field("copy", copy)
                stepFields(event, index: i, os: nil, region: nil, bytes: bytes, standby: standby, into: &json)
            case .loseMachine:
                json.field("action", "lose_machine")
                stepFields(event, index: i, os: nil, region: nil, bytes: nil, standby: nil, into: &json)
            }
            json.endObject()
            json.flush(to: &out)
        }
        json.endArray()
        json.endObject()
        json.flush(to: &out)
    }

    /// The members of a step after `action` and `copy`, in key order.
    private static func stepFields(
        _ event: CaseEvent, index: Int, os: String?, region: String?, bytes: Int?, standby: String?,
        into json: inout JSONWriter
    ) {
        json.field("description", event.description)
        json.field("index", index + 1)
        json.field("machine", event.machine)
        if let os { json.field("os", os) }
        if let region { json.field("region", region) }
        if let bytes { json.field("size_bytes", bytes) }
        if let standby { json.field("standby", standby) }
    }

    static func renderCaseCSV(_ trace: CaseTrace, to out: inout some TextOutputStream) {
        var csv = CSVWriter()
        csv.row(caseCSVHeader, to: &out)
        for (label, tables) in [("before", trace.before), ("after", trace.after)] {
            for table in tables {
                for region in table.regions {
                    csv.field(trace.caseID)
                    csv.field(label)
                    csv.field(table.machine)
                    csv.regionFields(region)
                    csv.endRow(to: &out)
                }
            }
        }
    }
}

extension CaseEvent {
    /// The same step with `transform` applied to every name in it.
    fileprivate func named(_ transform: (String) -> String) -> CaseEvent {
        switch self {
        case .cutOff(let m, let r, let b): .cutOff(machine: transform(m), region: transform(r), bytes: b)
        case .handOver(let m, let r, let b, let s):
            .handOver(machine: transform(m), region: transform(r), bytes: b, standby: transform(s))
        case .release(let m, let r, let b): .release(machine: transform(m), region: transform(r), bytes: b)
        case .mergeIntoOS(let m, let r, let o):
            .mergeIntoOS(machine: transform(m), region: transform(r), os: transform(o))
        case .draw(let m, let s, let b): .draw(machine: transform(m), standby: transform(s), bytes: b)
        case .startCopy(let m, let s, let c, let b):
            .startCopy(machine: transform(m), standby: transform(s), copy: transform(c), bytes: b)
        case .cannotStart(let m, let s, let c, let b):
            .cannotStart(machine: transform(m), standby: transform(s), copy: transform(c), bytes: b)
        case .loseMachine(let m): .loseMachine(machine: transform(m))
        }
    }
}
