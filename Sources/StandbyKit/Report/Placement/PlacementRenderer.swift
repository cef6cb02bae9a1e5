/// Stage: a ``Placement/Result`` → a report (`standby place`).
///
/// - `text`: the answer first (today's figures and the placement's, the
///   saving, whether it is proven optimal or the gap to the bound), then each
///   changed reference with its place in the spec; names escaped for the
///   terminal.
/// - `markdown`: the same, the changes as a table.
/// - `json`: `schemas/place.schema.json`, sorted keys, sizes in bytes.
///
/// Output is one line (or row, or object) per changed reference: at most one
/// per active OS of the spec.
public enum PlacementRenderer {
    /// Writes `result` in `format` (HTML and CSV write the text), sizes in
    /// `unit`; `path` is the spec's, which locates each changed reference.
    public static func render(
        _ result: Placement.Result, path: String, format: OutputFormat, unit: Size.Unit = .auto,
        to out: inout some TextOutputStream
    ) {
        switch format {
        case .json: renderJSON(result, to: &out)
        case .markdown: renderMarkdown(result, path: path, unit: unit, to: &out)
        default: renderText(result, path: path, unit: unit, to: &out)
        }
    }

    /// The answer's lines, for text and Markdown: figures, saving, proof.
    package static func summary(_ r: Placement.Result, unit: Size.Unit) -> [String] {
        func cases(_ n: Int) -> String { "\(n) \(n == 1 ? "case" : "cases") no memory can cover" }
        let size = { (bytes: Int) in Size.format(bytes, unit: unit) }
        var lines = [
            "today:     fluid total \(size(r.today.fluidTotal)), \(cases(r.today.uncoverableCases))",
            "placement: fluid total \(size(r.placed.fluidTotal)), \(cases(r.placed.uncoverableCases))",
        ]
        let saved = r.today.fluidTotal - r.placed.fluidTotal
        if saved > 0 {
            lines.append("saves \(size(saved)) (\(RoundedPercent(part: saved, of: r.today.fluidTotal)) %)")
        } else if saved < 0 {
            lines.append("costs \(size(-saved)) more, to cover \(r.today.uncoverableCases - r.placed.uncoverableCases) more cases")
        } else {
            lines.append("saves nothing")
        }
        switch r.status {
        case .optimal:
            lines.append("optimal: no assignment of standbys has fewer cases no memory can cover or a smaller fluid total")
        case .bestFound:
            var why = "the best found"
            if let stopped = r.stopped { why += stopped == "time" ? " before the time limit" : " within the work budget" }
            lines.append(
                "\(why): every assignment with the fewest uncoverable cases needs at least \(size(r.lowerBound)) (gap \(r.gap) %)")
        }
        let n = r.changes.count
        lines.append(
            n == 0
                ? "no reference changes: keep today's standbys"
                : "\(n) \(n == 1 ? "reference changes" : "references change") (of \(r.actives) active OS\(r.actives == 1 ? "" : "es") placed among \(r.standbys) standby OS\(r.standbys == 1 ? "" : "es"))")
        return lines
    }

    static func renderText(_ r: Placement.Result, path: String, unit: Size.Unit, to out: inout some TextOutputStream) {
        for line in summary(r, unit: unit) { out.write(line + "\n") }
        for c in r.changes {
            out.write(
                TerminalText.escaped(
                    "  \(c.target): \(c.from) → \(c.to) (\(path):\(c.location.line):\(c.location.column))") + "\n")
        }
    }

    static func renderMarkdown(_ r: Placement.Result, path: String, unit: Size.Unit, to out: inout some TextOutputStream) {
        let quote = { (text: String) in CompileRenderer.markdown(text) }
        out.write("## standby place\n\n")
        for line in summary(r, unit: unit) { out.write("- \(quote(line))\n") }
        guard !r.changes.isEmpty else { return }
        out.write("\n| standby of | from | to | line |\n|---|---|---|---|\n")
        for c in r.changes {
            out.write("| \(quote(c.target)) | \(quote(c.from)) | \(quote(c.to)) | \(quote(path)):\(c.location.line) |\n")
        }
    }

    static func renderJSON(_ r: Placement.Result, to out: inout some TextOutputStream) {
        var json = JSONWriter.report { json in
            json.objects("changes", r.changes) { json, c in
                json.field("column", c.location.column)
                json.field("from", c.from)
                json.field("line", c.location.line)
                json.field("target", c.target)
                json.field("to", c.to)
                json.flush(to: &out)
            }
            json.field("fluid_total_bytes", r.placed.fluidTotal)
        }
        json.key("gap_percent")
        json.decimal(r.gap.tenths, decimals: 1)
        json.field("lower_bound_bytes", r.lowerBound)
        json.field("status", r.status.rawValue)
        json.field("stopped", orNull: r.stopped)
        json.field("today_fluid_total_bytes", r.today.fluidTotal)
        json.field("today_uncoverable_cases", r.today.uncoverableCases)
        json.field("uncoverable_cases", r.placed.uncoverableCases)
        json.finish(to: &out)
    }
}
