// One case step by step (`plan --case`), as text and Markdown.

extension PlanRenderer {
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
