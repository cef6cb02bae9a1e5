/// Stage: a ``PlanDiff`` → a report (`standby diff`).
///
/// - `text`: the verdict first (a regression, or none), then each machine
///   that differs (newly uncovered cases with what is short and where, newly
///   covered cases, the figures that changed, the spec values that changed
///   with their places in NEW), then the policies and the fleet's totals.
/// - `markdown`: for a pull-request comment: the verdict, then one table row
///   per machine that differs, cut to stay under 65,536 characters (saying
///   how many machines were left out), then the totals.
/// - `json`: `schemas/diff.schema.json`, `format_version` 1.0, sorted keys,
///   sizes in bytes.
public enum DiffRenderer {
    /// The most characters a Markdown diff holds: a pull-request comment takes 65,536.
    public static let markdownLimit = 60_000

    public static func render(
        _ diff: PlanDiff, old: String, new: String, format: OutputFormat, to out: inout some TextOutputStream
    ) {
        switch format {
        case .json: renderJSON(diff, to: &out)
        case .markdown: renderMarkdown(diff, new: new, to: &out)
        default: renderText(diff, old: old, new: new, to: &out)
        }
    }

    // MARK: - Sentences

    /// The verdict: a regression, or not, and what improved.
    static func verdict(_ diff: PlanDiff) -> String {
        if diff.isEmpty && diff.before == diff.after { return "no change to the plan" }
        let covered = diff.newlyCovered == 0 ? "" : "; \(count(diff.newlyCovered, "case")) newly covered"
        if diff.regressions > 0 { return "regression: \(count(diff.regressions, "case")) newly uncovered\(covered)" }
        return "no case newly uncovered\(covered)"
    }

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    /// Why a case newly uncovered is: what is short and on which machine, or
    /// the jobs no memory brings back.
    static func why(_ c: FaultCase) -> String {
        let reasons = Sentences.whyNotCovered(c)
        return reasons.isEmpty ? "not covered" : reasons.joined(separator: "; ")
    }

    static func change(_ f: PlanDiff.Figure) -> String {
        let before = f.before.map(Size.describe) ?? "none"
        let after = f.after.map(Size.describe) ?? "none"
        guard let a = f.before, let b = f.after else { return "\(before) → \(after)" }
        // Savings may be negative: a difference of two figures can pass 2^63−1.
        let (delta, overflow) = b.subtractingReportingOverflow(a)
        guard !overflow, delta != .min else { return "\(before) → \(after)" }
        return "\(before) → \(after) (\(delta >= 0 ? "+" : "−")\(Size.describe(abs(delta))))"
    }

    static func value(_ v: PlanDiff.ValueChange, path: String) -> String {
        let place = v.location.map { " (\(TerminalText.escaped(path)):\($0.line):\($0.column))" } ?? ""
        return "\(v.path) \(v.old ?? "absent") → \(v.new ?? "absent")\(place)"
    }

    // MARK: - Text

    static func renderText(_ diff: PlanDiff, old: String, new: String, to out: inout some TextOutputStream) {
        out.write("\(TerminalText.escaped(old)) → \(TerminalText.escaped(new)): \(verdict(diff))\n")
        for m in diff.machines {
            out.write("\nmachine \(m.name) (\(m.change.rawValue))\n")
            for c in m.newlyUncovered { out.write("  newly uncovered: \(c.id): \(why(c))\n") }
            for id in m.newlyCovered { out.write("  newly covered: \(id)\n") }
            for f in m.figures where f.figure.changed { out.write("  \(f.label) \(change(f.figure))\n") }
            for s in m.standbyMinimums where s.figure.changed { out.write("  standby \(s.label) minimum \(change(s.figure))\n") }
            for v in m.values { out.write("  spec: \(value(v, path: new))\n") }
        }
        if !diff.policies.isEmpty {
            out.write("\npolicies\n")
            for v in diff.policies { out.write("  spec: \(value(v, path: new))\n") }
        }
        out.write("\nfleet\n")
        for (label, before, after) in totals(diff) where before != after {
            out.write("  \(label) \(change(PlanDiff.Figure(before: before, after: after)))\n")
        }
        if diff.before == diff.after { out.write("  totals unchanged\n") }
    }

    static func totals(_ diff: PlanDiff) -> [(String, Int, Int)] {
        let (a, b) = (diff.before, diff.after)
        return [
            ("fluid total", a.fluidTotal, b.fluidTotal), ("duplicate total", a.duplicateTotal, b.duplicateTotal),
            ("static total", a.staticTotal, b.staticTotal), ("reserve minimum", a.reserveMinimum, b.reserveMinimum),
            ("savings", a.savings, b.savings),
        ]
    }

    // MARK: - Markdown

    static func renderMarkdown(_ diff: PlanDiff, new: String, to out: inout some TextOutputStream) {
        var text = "### standby: \(diff.regressions > 0 ? "**" + verdict(diff) + "**" : verdict(diff))\n\n"
        if !diff.machines.isEmpty {
            text += "| machine | change | newly uncovered | newly covered | fluid total | reserve minimum | spec changes |\n"
            text += "|---|---|---|---|---|---|---|\n"
        }
        let footer = markdownTotals(diff)
        var left = 0
        for (i, m) in diff.machines.enumerated() {
            let uncovered = m.newlyUncovered.map { "`\($0.id)`: \(why($0))" }.joined(separator: "<br>")
            let fluid = m.figures.first { $0.key == "fluid_total_bytes" }.map { change($0.figure) } ?? ""
            let reserve = m.figures.first { $0.key == "reserve_minimum_bytes" }.map { change($0.figure) } ?? ""
            let values = m.values.map { "`\($0.path)` \($0.old ?? "absent") → \($0.new ?? "absent")" + ($0.location.map { " (line \($0.line))" } ?? "") }
            let row = "| \(m.name) | \(m.change.rawValue) | \(uncovered.isEmpty ? "–" : uncovered) | \(m.newlyCovered.isEmpty ? "–" : m.newlyCovered.map { "`\($0)`" }.joined(separator: "<br>")) | \(fluid) | \(reserve) | \(values.isEmpty ? "–" : values.joined(separator: "<br>")) |\n"
            if text.utf8.count + row.utf8.count + footer.utf8.count + 200 > markdownLimit {
                left = diff.machines.count - i
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

    static func markdownTotals(_ diff: PlanDiff) -> String {
        var text = "\n| fleet | before | after |\n|---|---|---|\n"
        for (label, before, after) in totals(diff) {
            text += "| \(label) | \(Size.describe(before)) | \(Size.describe(after)) |\n"
        }
        return text
    }

    // MARK: - JSON

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
        write(diff.after, into: &json)
        json.key("before")
        write(diff.before, into: &json)
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

    private static func write(_ t: FleetTotals, into json: inout JSONWriter) {
        SortedJSONScalars.writeObject(t.jsonMembers, into: &json)
    }
}
