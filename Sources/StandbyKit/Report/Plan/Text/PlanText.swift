// The plan report as text: how each block of the plan document looks in a
// terminal, and the aligned tables and figure lists it draws.

extension PlanRenderer {
    static func renderText(
        _ plan: PlanSummary, _ machines: Machines, compiled: CompiledSpec, unit: Size.Unit, fix: PlanFix?,
        detail: PlanDetail, path: String?, tolerance: ToleranceReport?,
        to out: inout some TextOutputStream
    ) {
        walkPlan(plan, machines, compiled: compiled, unit: unit, fix: fix, detail: detail, path: path, tolerance: tolerance) { block in
            switch block {
            case .coverage(let sentence): out.write("covered: \(sentence)\n")
            case .savings(let sentence): out.write(sentence + "\n")
            case .faults(let list): out.write("faults: \(list)\n")
            case .list(let list):
                out.write("\n\(list.title) (\(list.note.plain)):\n")
                for item in list.items { out.write("  \(item.plain)\n") }
                if let leftOut = list.leftOut { out.write("  \(leftOut.plain)\n") }
            case .fleet(let count, let figures):
                out.write("\nfleet of \(count) machines:\n")
                writeFigures(figures, to: &out)
            case .machine(let name, let summary): out.write("\nmachine \(name): \(summary)\n")
            case .machineCoverage(let sentence): out.write("  covered: \(sentence.plain)\n")
            case .table(let table):
                out.write("\n")
                if table.rowCount == 0 {
                    out.write("  \(table.empty)\n")
                } else {
                    writeTable(table, to: &out)
                }
            case .figures(let figures):
                out.write("\n")
                writeFigures(figures, to: &out)
            case .remark(let words): out.write("\n  \(words.plain)\n")
            case .cases(let list):
                out.write("\n  \(list.title):\n")
                for item in list.items {
                    out.write("    \(item.headline.plain)\n")
                    for line in item.details { out.write("      \(line.plain)\n") }
                }
            }
        }
    }

    /// A cell as text: an empty list is `-`.
    private static func text(_ cell: ReportTable.Cell) -> String {
        switch cell {
        case .words(let words): words.plain
        case .names(let names): names.isEmpty ? "-" : names.joined(separator: ", ")
        }
    }

    /// An aligned table, two spaces in, two between columns; the last column is
    /// not padded, so no line ends in a space. Two passes over the rows,
    /// formatting each twice, rather than holding every row's cells: a machine
    /// can have hundreds of thousands of cases.
    static func writeTable(_ table: ReportTable, to out: inout some TextOutputStream) {
        var widths = table.columns.map(\.name.count)
        for r in 0..<table.rowCount {
            for (i, cell) in table.row(r).enumerated() where i < widths.count {
                widths[i] = max(widths[i], min(text(cell).count, table.columns[i].maxWidth))
            }
        }
        let right = table.columns.map(\.rightAligned)
        out.write(tableRow(table.columns.map(\.name), widths: widths, rightAligned: right))
        for r in 0..<table.rowCount {
            out.write(tableRow(table.row(r).map(text), widths: widths, rightAligned: right))
        }
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
    static func writeFigures(_ rows: [Figure], to out: inout some TextOutputStream) {
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let valueWidth = rows.map(\.value.count).max() ?? 0
        for row in rows {
            let label = row.label + String(repeating: " ", count: labelWidth - row.label.count)
            let value = String(repeating: " ", count: valueWidth - row.value.count) + row.value
            out.write("  \(label)  \(value)  \(row.note)\n")
        }
    }
}
