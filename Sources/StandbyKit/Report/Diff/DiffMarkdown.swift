// The diff as a pull-request comment: the verdict, one row per machine that
// differs (only what changed in it), then the fleet's totals that changed.

extension DiffRenderer {
    /// The verdict, then one table row per machine that differs, those with a
    /// case newly uncovered first, each cell only what changed (a figure that
    /// did not change is not shown) and each list in a cell cut to
    /// ``ListCap/lines``; the rows cut to stay under ``markdownLimit``
    /// characters (saying how many machines were left out); then the fleet's
    /// totals that changed.
    static func renderMarkdown(_ diff: PlanDiff, new: String, unit: Size.Unit, to out: inout some TextOutputStream) {
        let md = CompileRenderer.markdown
        var text = "## standby: \(diff.regressions > 0 ? "**" + verdict(diff) + "**" : verdict(diff))\n\n"
        if !diff.machines.isEmpty {
            text += "| machine | change | newly uncovered | fix | newly covered | figures changed | spec changes |\n"
            text += "|---|---|---|---|---|---|---|\n"
        }
        let footer = markdownTotals(diff, unit: unit)
        let ordered = reviewOrder(diff.machines)
        var left = 0
        for (i, m) in ordered.enumerated() {
            let uncovered = cell(m.newlyUncovered.map { "`\(md($0.id))`: \(md(why($0)))" })
            let fix = cell(fixes(m, fix: diff.fix).map { $0.rendered(md) })
            let covered = cell(m.newlyCovered.map { "`\(md($0))`" })
            let figures = cell(
                m.figures.filter(\.figure.changed).map { "\($0.label) \(change($0.figure, unit: unit))" }
                    + m.standbyMinimums.filter(\.figure.changed).map {
                        "standby \(md($0.label)) minimum \(change($0.figure, unit: unit))"
                    })
            let values = cell(
                m.values.map {
                    "`\(md($0.path))` \(md($0.old ?? "absent")) → \(md($0.new ?? "absent"))"
                        + ($0.location.map { " (line \($0.line))" } ?? "")
                })
            let row = "| \(md(m.name)) | \(m.change.rawValue) | \(uncovered) | \(fix) | \(covered) | \(figures) | \(values) |\n"
            if text.utf8.count + row.utf8.count + footer.utf8.count + 200 > markdownLimit {
                left = ordered.count - i
                break
            }
            text += row
        }
        if left > 0 {
            text += "\n\(count(left, "more machine")) left out to fit a comment; `standby diff --format text` lists every one.\n"
        }
        out.write(text)
        out.write(footer)
    }

    /// The items of one cell, at most ``ListCap/lines`` of them and how many
    /// more; `–` when there is none.
    private static func cell(_ items: [String]) -> String {
        guard !items.isEmpty else { return "–" }
        let (kept, left) = ListCap.cut(items)
        return (kept + (left > 0 ? ["… and \(left) more"] : [])).joined(separator: "<br>")
    }

    static func markdownTotals(_ diff: PlanDiff, unit: Size.Unit) -> String {
        guard diff.totalsChanged else { return "\nFleet totals unchanged.\n" }
        var text = "\n| fleet | change |\n|---|---|\n"
        for (label, figure) in totals(diff) where figure.changed {
            text += "| \(label) | \(change(figure, unit: unit)) |\n"
        }
        return text
    }
}
