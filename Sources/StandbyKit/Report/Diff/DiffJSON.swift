// The diff as JSON: schemas/diff.schema.json, sorted keys, sizes in bytes.

extension DiffRenderer {
    /// Every machine that differs in NEW's order (then those NEW removed),
    /// each with its figures before and after (`memory_bytes` among them), the
    /// cases newly uncovered and covered, the spec values that changed and,
    /// for a machine a case newly uncovered is short on, NEW's fix as the
    /// plan's JSON gives it (`fix[]`); the fleet's totals before and after,
    /// its installed memory among them.
    static func renderJSON(_ diff: PlanDiff, to out: inout some TextOutputStream) {
        var json = JSONWriter.report()
        json.objects("machines", diff.machines) { json, m in
            json.field("change", m.change.rawValue)
            json.object("figures") { json in
                for f in m.figures.sorted(by: { $0.key < $1.key }) {
                    json.key(f.key)
                    write(f.figure, into: &json)
                }
            }
            json.key("fix")
            PlanRenderer.writeEdits(m.fix?.edits ?? [], into: &json)
            json.field("name", m.name)
            json.strings("newly_covered", m.newlyCovered)
            json.objects("newly_uncovered", m.newlyUncovered) { json, c in
                json.field("id", c.id)
                json.field("reason", why(c))
                json.strings("short_on", c.shortages.lazy.filter { $0.shortfall > 0 }.map(\.machine))
                json.field("shortfall_bytes", c.shortfall)
            }
            write("spec_changes", m.values, into: &json)
            json.objects("standbys", m.standbyMinimums) { json, s in
                json.key("minimum_bytes")
                write(s.figure, into: &json)
                json.field("name", s.label)
            }
            json.flush(to: &out)
        }
        json.field("newly_covered", diff.newlyCovered)
        json.field("newly_uncovered", diff.regressions)
        write("policies", diff.policies, into: &json)
        json.field("regression", diff.regressions > 0)
        json.object("totals") { json in
            json.key("after")
            write(diff.after, memory: diff.memory.after ?? 0, into: &json)
            json.key("before")
            write(diff.before, memory: diff.memory.before ?? 0, into: &json)
        }
        json.finish(to: &out)
    }

    private static func write(_ f: PlanDiff.Figure, into json: inout JSONWriter) {
        json.beginObject()
        json.field("after", orNull: f.after)
        json.field("before", orNull: f.before)
        json.endObject()
    }

    private static func write(_ key: String, _ values: [PlanDiff.ValueChange], into json: inout JSONWriter) {
        json.objects(key, values) { json, v in
            json.field("column", orNull: v.location?.column)
            json.field("line", orNull: v.location?.line)
            json.field("new", orNull: v.new)
            json.field("old", orNull: v.old)
            json.field("path", v.path)
        }
    }

    private static func write(_ t: FleetTotals, memory: Int, into json: inout JSONWriter) {
        SortedJSONScalars.writeObject(t.jsonMembers + [("memory_bytes", .int(memory))], into: &json)
    }
}
