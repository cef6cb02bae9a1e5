// The plan report as GitHub Markdown: how each block of the plan document
// looks there, names escaped.

extension PlanRenderer {
    static func renderMarkdown(
        _ plan: PlanSummary, _ machines: Machines, compiled: CompiledSpec, unit: Size.Unit, fix: PlanFix?,
        detail: PlanDetail, path: String?, tolerance: ToleranceReport?,
        to out: inout some TextOutputStream
    ) {
        let md = CompileRenderer.markdown
        walkPlan(plan, machines, compiled: compiled, unit: unit, fix: fix, detail: detail, path: path, tolerance: tolerance) { block in
            switch block {
            // The summary's lists are H3s: the report opens with their H2.
            case .coverage(let sentence): out.write("## Summary\n\n**Covered: \(sentence).**\n\n")
            case .savings(let sentence): out.write(sentence.capitalizedFirst + ".\n\n")
            case .faults(let list): out.write("Faults simulated: \(list).\n")
            case .list(let list):
                out.write("\n### \(list.title.capitalizedFirst)\n\n\(list.note.rendered(md).capitalizedFirst).\n\n")
                for item in list.items { out.write("- \(item.rendered(md))\n") }
                if let leftOut = list.leftOut { out.write("\n\(leftOut.rendered(md))\n") }
            case .fleet(let count, let figures):
                out.write("\n## Fleet of \(count) machines\n\n")
                writeMarkdownFigures(figures, to: &out)
            case .machine(let name, let summary): out.write("\n## Machine \(md(name))\n\nMemory \(md(summary)).\n")
            case .machineCoverage(let sentence): out.write("\nCovered: \(sentence.rendered(md)).\n")
            case .table(let table):
                out.write("\n### \(table.title)\n\n")
                if table.rowCount == 0 {
                    out.write(table.empty.capitalizedFirst + ".\n")
                } else {
                    writeMarkdownTable(table, to: &out)
                }
            case .figures(let figures):
                out.write("\n### Figures\n\n")
                writeMarkdownFigures(figures, to: &out)
            case .remark(let words): out.write("\n\(words.rendered(md).capitalizedFirst).\n")
            case .cases(let list):
                out.write("\n### \(list.title.capitalizedFirst)\n\n")
                for item in list.items {
                    let headline = item.headline.rendered(md)
                    out.write(list.strong ? "- **\(headline)**\n" : "- \(headline)\n")
                    for line in item.details { out.write("  - \(line.rendered(md))\n") }
                }
            }
        }
    }

    private static func writeMarkdownTable(_ table: ReportTable, to out: inout some TextOutputStream) {
        let md = CompileRenderer.markdown
        out.write("| " + table.columns.map(\.name).joined(separator: " | ") + " |\n")
        out.write("|" + table.columns.map { $0.rightAligned ? "--:|" : "---|" }.joined() + "\n")
        for r in 0..<table.rowCount {
            let cells = table.row(r).map { cell in
                switch cell {
                case .words(let words): words.rendered(md)
                case .names(let names): md(names.joined(separator: ", "))
                }
            }
            out.write("| " + cells.joined(separator: " | ") + " |\n")
        }
    }

    static func writeMarkdownFigures(_ rows: [Figure], to out: inout some TextOutputStream) {
        out.write("| figure | size | meaning |\n|---|--:|---|\n")
        for row in rows { out.write("| \(row.label) | \(row.value) | \(row.note) |\n") }
    }
}
