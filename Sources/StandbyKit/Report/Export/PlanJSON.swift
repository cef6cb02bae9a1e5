// The plan as JSON (schemas/plan.schema.json), written case by case as each is simulated.

extension PlanRenderer {
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
        json.key("totals")
        SortedJSONScalars.writeObject(
            plan.totals.jsonMembers + [
                ("case_count", .int(plan.caseCount)), ("machine_count", .int(plan.machineCount)),
                ("uncovered_case_count", .int(plan.uncoveredCaseCount)),
            ], into: &json)
        json.endObject()
        flush(&json)
    }

    /// Writes one machine with the edits its least-memory fix makes (none
    /// when it needs no change); the cases are flushed once `piece` bytes or
    /// more are buffered (0: one case at a time).
    static func writeMachineJSON<Text, Texts>(
        _ machine: ExportMachine<Text, Texts>, fix: [Advice.Edit], piece: Int, into json: inout JSONWriter,
        flush: (inout JSONWriter) -> Void
    ) {
        let m = machine.plan
        // The figures and the machine's own scalars fall among its arrays in key order.
        var scalars = SortedJSONScalars(
            m.jsonMembers + [
                ("covered", .bool(machine.covered)), ("memory_bytes", .int(m.memory)),
                ("monitor_bytes", .int(m.monitor)), ("name", .string(m.name)), ("pool_bytes", .int(m.pool)),
            ])
        json.beginObject()
        scalars.write(upTo: "actives", into: &json)
        json.beginArray()
        for a in m.actives {
            json.beginObject()
            json.field("footprint_bytes", a.footprint)
            json.field("name", a.name)
            writeStrings("protected_by", a.protectedBy, into: &json)
            json.endObject()
        }
        json.endArray()
        scalars.write(upTo: "cases", into: &json)
        json.beginArray()
        let keys = CaseKeys.shared
        machine.forEachCase { c in
            writeCaseJSON(c, keys: keys, into: &json)
            // A fleet's cases run to hundreds of megabytes: never buffer them all.
            if json.bufferedByteCount >= piece { flush(&json) }
        }
        json.endArray()
        scalars.write(upTo: "fix", into: &json)
        json.beginArray()
        for edit in fix {
            json.beginObject()
            json.key("column")
            if let at = edit.location { json.int(at.column) } else { json.null() }
            json.field("from_bytes", edit.from)
            json.key("line")
            if let at = edit.location { json.int(at.line) } else { json.null() }
            json.field("target", edit.target)
            json.field("to_bytes", edit.to)
            json.endObject()
        }
        json.endArray()
        scalars.write(upTo: "standbys", into: &json)
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
        scalars.write(upTo: nil, into: &json)
        writeStrings("unrecoverable_jobs", m.unrecoverableJobs, into: &json)
        json.endObject()
        flush(&json)
    }

    static func writeCaseJSON<Text, Texts>(_ c: CaseRecord<Text, Texts>, keys k: borrowing CaseKeys, into json: inout JSONWriter) {
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
        !c.shortages.isEmpty ? writeShortages(c.shortages, keys: k, into: &o) : o.emptyArray(k.shortages)
        o.field(k.shortfallBytes, c.shortfall)
        let takenOver = c.takenOver
        takenOver.isEmpty ? o.emptyArray(k.takenOver) : o.strings(k.takenOver, takenOver)
        o.field(k.target, c.target)
        let unprotected = c.unprotectedJobs
        unprotected.isEmpty ? o.emptyArray(k.unprotectedJobs) : o.strings(k.unprotectedJobs, unprotected)
        o.field(k.unprotectedMemoryBytes, c.unprotectedMemory)
        !c.unrecoverable.isEmpty ? writeUnrecoverable(c.unrecoverable, keys: k, into: &o) : o.emptyArray(k.unrecoverable)
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

}
