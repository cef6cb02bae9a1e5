// The diff as JSON: schemas/diff.schema.json, sorted keys, sizes in bytes.

extension DiffRenderer {
    /// Every machine that differs in NEW's order (then those NEW removed),
    /// each with its figures before and after (`memory_bytes` among them), the
    /// cases newly uncovered and covered, the spec values that changed and,
    /// for a machine a case newly uncovered is short on, NEW's fix as the
    /// plan's JSON gives it (`fix[]`); the fleet's totals before and after,
    /// its installed memory among them.
    static func renderJSON(_ diff: PlanDiff, to out: inout some TextOutputStream) {
        var json = JSONWriter()
        json.beginObject()
        json.field("format_version", jsonFormatVersion)
        json.key("machines")
        json.beginArray()
        for m in diff.machines {
            json.beginObject()
            json.field("change", m.change.rawValue)
            json.key("figures")
            json.beginObject()
            for f in m.figures.sorted(by: { $0.key < $1.key }) {
                json.key(f.key)
                write(f.figure, into: &json)
            }
            json.endObject()
            json.key("fix")
            PlanRenderer.writeEdits(m.fix?.edits ?? [], into: &json)
            json.field("name", m.name)
            json.key("newly_covered")
            json.beginArray()
            for id in m.newlyCovered { json.string(id) }
            json.endArray()
            json.key("newly_uncovered")
            json.beginArray()
            for c in m.newlyUncovered {
                json.beginObject()
                json.field("id", c.id)
                json.field("reason", why(c))
                json.key("short_on")
                json.beginArray()
                for s in c.shortages where s.shortfall > 0 { json.string(s.machine) }
                json.endArray()
                json.field("shortfall_bytes", c.shortfall)
                json.endObject()
            }
            json.endArray()
            json.key("spec_changes")
            write(m.values, into: &json)
            json.key("standbys")
            json.beginArray()
            for s in m.standbyMinimums {
                json.beginObject()
                json.key("minimum_bytes")
                write(s.figure, into: &json)
                json.field("name", s.label)
                json.endObject()
            }
            json.endArray()
            json.endObject()
            json.flush(to: &out)
        }
        json.endArray()
        json.field("newly_covered", diff.newlyCovered)
        json.field("newly_uncovered", diff.regressions)
        json.key("policies")
        write(diff.policies, into: &json)
        json.field("regression", diff.regressions > 0)
        json.key("totals")
        json.beginObject()
        json.key("after")
        write(diff.after, memory: diff.memory.after ?? 0, into: &json)
        json.key("before")
        write(diff.before, memory: diff.memory.before ?? 0, into: &json)
        json.endObject()
        json.endObject()
        json.flush(to: &out)
    }

    private static func write(_ f: PlanDiff.Figure, into json: inout JSONWriter) {
        json.beginObject()
        json.key("after")
        if let a = f.after { json.int(a) } else { json.null() }
        json.key("before")
        if let b = f.before { json.int(b) } else { json.null() }
        json.endObject()
    }

    private static func write(_ values: [PlanDiff.ValueChange], into json: inout JSONWriter) {
        json.beginArray()
        for v in values {
            json.beginObject()
            json.key("column")
            if let at = v.location { json.int(at.column) } else { json.null() }
            json.key("line")
            if let at = v.location { json.int(at.line) } else { json.null() }
            json.key("new")
            if let new = v.new { json.string(new) } else { json.null() }
            json.key("old")
            if let old = v.old { json.string(old) } else { json.null() }
            json.field("path", v.path)
            json.endObject()
        }
        json.endArray()
    }

    private static func write(_ t: FleetTotals, memory: Int, into json: inout JSONWriter) {
        SortedJSONScalars.writeObject(t.jsonMembers + [("memory_bytes", .int(memory))], into: &json)
    }
}
