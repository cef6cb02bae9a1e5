/// Stage: a ``PlanDiff`` → a report (`standby diff`).
///
/// - `text`: the verdict first (a regression, or none), then each machine
///   that differs, those with a case newly uncovered first (newly uncovered
///   cases with what is short and where, the fix of NEW that covers them,
///   newly covered cases, the figures that changed, the spec values that
///   changed with their places in NEW), then the policies and the fleet's
///   totals that changed. Every list stops after 20 entries and says how
///   many it left out.
/// - `markdown`: the same, for a pull-request comment.
/// - `json`: the document `schemas/diff.schema.json` describes.
///
/// A change is said in one unit (``Size/scale(for:unit:)``, the plan's rule
/// for sizes read together): before, after and the difference, with one
/// decimal at most, in a smaller unit only where the larger would hide the
/// change.
public enum DiffRenderer {
    /// The most characters a Markdown diff holds: a pull-request comment takes 65,536.
    public static let markdownLimit = 60_000

    /// Writes `diff` in `format` (HTML and CSV write the text), sizes in
    /// `unit`; `old` and `new` are the two specs' paths as the report names
    /// them (Markdown names only NEW, where its places are).
    public static func render(
        _ diff: PlanDiff, old: String, new: String, format: OutputFormat, unit: Size.Unit = .auto,
        to out: inout some TextOutputStream
    ) {
        switch format {
        case .json: renderJSON(diff, to: &out)
        case .markdown: renderMarkdown(diff, new: new, unit: unit, to: &out)
        default: renderText(diff, old: old, new: new, unit: unit, to: &out)
        }
    }

    // MARK: - Sentences

    /// The verdict: a regression, or not, and what improved.
    static func verdict(_ diff: PlanDiff) -> String {
        if diff.isEmpty && !diff.totalsChanged { return "no change to the plan" }
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

    /// `256 MiB → 384 MiB (+128 MiB)`: the three in one scale.
    static func change(_ f: PlanDiff.Figure, unit: Size.Unit) -> String {
        guard let a = f.before, let b = f.after else {
            let scale = Size.scale(for: [f.before, f.after].compactMap { $0 }, unit: unit)
            return "\(f.before.map(scale.format) ?? "none") → \(f.after.map(scale.format) ?? "none")"
        }
        // Savings may be negative: a difference of two figures can pass 2^63−1.
        let (delta, overflow) = b.subtractingReportingOverflow(a)
        guard !overflow, delta != .min else {
            let scale = Size.scale(for: [a, b], unit: unit)
            return "\(scale.format(a)) → \(scale.format(b))"
        }
        let scale = Size.scale(for: [a, b, abs(delta)], unit: unit)
        return "\(scale.format(a)) → \(scale.format(b)) (\(delta >= 0 ? "+" : "−")\(scale.format(abs(delta))))"
    }

    static func value(_ v: PlanDiff.ValueChange, path: String) -> String {
        let place = v.location.map { " (\(TerminalText.escaped(path)):\($0.line):\($0.column))" } ?? ""
        return "\(v.path) \(v.old ?? "absent") → \(v.new ?? "absent")\(place)"
    }

    /// The machines in the order a reviewer reads them: those with a case
    /// newly uncovered first, then the others, each in the diff's order.
    static func reviewOrder(_ machines: [PlanDiff.Machine]) -> [PlanDiff.Machine] {
        machines.filter { !$0.newlyUncovered.isEmpty } + machines.filter { $0.newlyUncovered.isEmpty }
    }

    /// The fleet's figures: label, before, after.
    static func totals(_ diff: PlanDiff) -> [(String, PlanDiff.Figure)] {
        let (a, b) = (diff.before, diff.after)
        func figure(_ x: Int, _ y: Int) -> PlanDiff.Figure { PlanDiff.Figure(before: x, after: y) }
        return [
            ("memory", diff.memory),
            ("fluid total", figure(a.fluidTotal, b.fluidTotal)),
            ("duplicate total", figure(a.duplicateTotal, b.duplicateTotal)),
            ("static total", figure(a.staticTotal, b.staticTotal)),
            ("reserve minimum", figure(a.reserveMinimum, b.reserveMinimum)),
            ("savings", figure(a.savings, b.savings)),
        ]
    }

    /// The lines of one machine, in reading order, each list cut to
    /// ``ListCap/lines`` with a line saying how many it left out.
    static func machineLines(
        _ m: PlanDiff.Machine, fix: PlanFix?, new: String, unit: Size.Unit, quote: (String) -> String
    ) -> [String] {
        var lines: [String] = []
        func list(_ items: [String], _ what: String) {
            let (kept, left) = ListCap.cut(items)
            lines += kept
            if left > 0 { lines.append(ListCap.leftOut(left, "`--format json` lists every one", what: what)) }
        }
        list(m.newlyUncovered.map { "newly uncovered: \(quote($0.id)): \(quote(why($0)))" }, "newly uncovered cases")
        list(fixes(m, fix: fix).map { "fix: " + $0.rendered(quote) }, "machines' fixes")
        list(m.newlyCovered.map { "newly covered: \(quote($0))" }, "newly covered cases")
        for f in m.figures where f.figure.changed { lines.append("\(f.label) \(change(f.figure, unit: unit))") }
        list(
            m.standbyMinimums.filter(\.figure.changed).map {
                "standby \(quote($0.label)) minimum \(change($0.figure, unit: unit))"
            }, "standby minimums changed")
        list(m.values.map { "spec: " + quote(value($0, path: new)) }, "spec values changed")
        return lines
    }

    /// The fixes that cover a machine's cases newly uncovered: its own (said
    /// without its name), then those of the other machines they are short on
    /// (a copy's shortfall lands where its standby runs), each once.
    static func fixes(_ m: PlanDiff.Machine, fix: PlanFix?) -> [Words] {
        guard let fix else { return [] }
        var sentences: [Words] = []
        if let own = m.fix { sentences.append(Sentences.fixEdits(own, path: fix.path, shared: fix.shared)) }
        var named = Set([m.name])
        for c in m.newlyUncovered {
            for s in c.shortages where s.shortfall > 0 && named.insert(s.machine).inserted {
                if let change = fix.change(of: s.machine) {
                    sentences.append(Sentences.fix(change, path: fix.path, shared: fix.shared))
                }
            }
        }
        return sentences
    }

    // MARK: - Text

    static func renderText(
        _ diff: PlanDiff, old: String, new: String, unit: Size.Unit, to out: inout some TextOutputStream
    ) {
        out.write("\(TerminalText.escaped(old)) → \(TerminalText.escaped(new)): \(verdict(diff))\n")
        let (shown, left) = ListCap.cut(reviewOrder(diff.machines))
        for m in shown {
            out.write("\nmachine \(TerminalText.escaped(m.name)) (\(m.change.rawValue))\n")
            for line in machineLines(m, fix: diff.fix, new: new, unit: unit, quote: { TerminalText.escaped($0) }) {
                out.write("  \(line)\n")
            }
        }
        if left > 0 {
            out.write("\n" + ListCap.leftOut(left, "`--format json` lists every one", what: "machines changed") + "\n")
        }
        if !diff.policies.isEmpty {
            out.write("\npolicies\n")
            for v in diff.policies { out.write("  spec: \(TerminalText.escaped(value(v, path: new)))\n") }
        }
        out.write("\nfleet\n")
        for (label, figure) in totals(diff) where figure.changed {
            out.write("  \(label) \(change(figure, unit: unit))\n")
        }
        if !diff.totalsChanged { out.write("  totals unchanged\n") }
    }
}
