// One case's tables (`plan --case`) as JSON (schemas/case.schema.json) and CSV.

extension PlanRenderer {
    static func renderCaseJSON(_ trace: CaseTrace, to out: inout some TextOutputStream) {
        var json = JSONWriter.report { $0.field("case", trace.caseID) }
        json.objects("machines", trace.before.enumerated()) { json, machine in
            let (i, before) = machine
            // `after` lists the same machines in the same order as `before`.
            let after = i < trace.after.count ? trace.after[i] : before
            json.regions("after", after.regions, flushingTo: &out)
            json.regions("before", before.regions, flushingTo: &out)
            json.field("lost", after.lost)
            json.field("memory_bytes", before.memory)
            json.field("name", before.machine)
        }
        json.objects("steps", trace.events.enumerated()) { json, step in
            let (i, event) = step
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
            json.flush(to: &out)
        }
        json.finish(to: &out)
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
