// The plan as text, and the sentences the text and Markdown reports share.

extension PlanRenderer {
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

}
