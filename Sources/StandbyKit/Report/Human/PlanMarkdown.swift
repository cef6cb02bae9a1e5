// The plan as GitHub Markdown.

extension PlanRenderer {
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

}
