// One case step by step (`plan --case`): how each block of the case document
// looks as text and as Markdown.

extension PlanRenderer {
    static func renderCaseText(_ trace: CaseTrace, unit: Size.Unit, to out: inout some TextOutputStream) {
        walkCase(trace, unit: unit) { block in
            switch block {
            case .title(let id): out.write("case \(id)\n")
            case .before(let table):
                out.write("\nmachine \(table.machine) before the fault (the final start-up table):\n")
                CompileRenderer.writeTextTable(table.regions, unit: unit, to: &out)
            case .steps(let steps):
                guard !steps.isEmpty else {
                    out.write("\nsteps: none; nothing moves\n")
                    return
                }
                out.write("\nsteps:\n")
                let width = String(steps.count).count
                for (i, step) in steps.enumerated() {
                    let number = String(i + 1)
                    out.write(
                        "  " + String(repeating: " ", count: width - number.count) + number + ". " + step.plain + "\n")
                }
            case .after(let table):
                let note = table.lost ? " (the machine is lost)" : ""
                out.write("\nmachine \(table.machine) after the fault\(note):\n")
                CompileRenderer.writeTextTable(table.regions, unit: unit, to: &out)
            }
        }
    }

    static func renderCaseMarkdown(_ trace: CaseTrace, unit: Size.Unit, to out: inout some TextOutputStream) {
        let md = CompileRenderer.markdown
        func table(_ regions: [Region]) {
            out.write("| region | size | owner | on fault |\n|---|---|---|---|\n")
            let scale = CompileRenderer.columnScale(regions.map(\.size), unit: unit)
            for r in regions {
                out.write(
                    "| \(md(r.name)) | \(scale.format(r.size)) | \(md(r.owner)) | \(md(r.onFault)) |\n")
            }
        }
        walkCase(trace, unit: unit) { block in
            switch block {
            case .title(let id): out.write("## Case \(md(id))\n")
            case .before(let t):
                out.write("\n### Machine \(md(t.machine)) before the fault\n\nThe final start-up table.\n\n")
                table(t.regions)
            case .steps(let steps):
                out.write("\n### Steps\n\n")
                if steps.isEmpty { out.write("None: nothing moves.\n") }
                for (i, step) in steps.enumerated() { out.write("\(i + 1). \(step.rendered(md))\n") }
            case .after(let t):
                out.write("\n### Machine \(md(t.machine)) after the fault\n\n")
                if t.lost { out.write("The machine is lost.\n\n") }
                table(t.regions)
            }
        }
    }
}
