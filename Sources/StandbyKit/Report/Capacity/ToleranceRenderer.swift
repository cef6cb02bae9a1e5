/// Stage: a ``ToleranceReport`` → a report (`standby tolerate`).
///
/// - `text`: one line per kind leading with the answer, then for a
///   counterexample the set, each short machine and standby, each job lost,
///   and what would cover the set. Names are escaped for the terminal.
/// - `markdown`: a table of the answers, then one section per counterexample.
/// - `json`: `schemas/tolerate.schema.json`, `format_version` 1.0, sorted
///   keys, sizes in bytes.
public enum ToleranceRenderer {
    /// Writes `report` in `format` (HTML and CSV write the text), sizes in `unit`.
    public static func render(
        _ report: ToleranceReport, format: OutputFormat, unit: Size.Unit, to out: inout some TextOutputStream
    ) {
        switch format {
        case .json: renderJSON(report, to: &out)
        case .markdown: renderMarkdown(report, unit: unit, to: &out)
        default: renderText(report, unit: unit, to: &out)
        }
    }

    // MARK: - Sentences

    /// `os faults`, `machine faults`.
    static func title(_ kind: ToleranceKind) -> String { "\(kind.rawValue) faults" }

    /// `any 2 at once are covered`, or `every single fault is covered` for 1.
    static func any(_ k: Int) -> String { k == 1 ? "every single fault is covered" : "any \(k) at once are covered" }

    /// The answer for a kind, without the checked size.
    static func answer(_ t: KindTolerance) -> String {
        if t.possibleFaults == 0 {
            return t.kind == .os ? "the spec has no active OS" : "the spec has no machine"
        }
        if t.counterexample != nil && t.k == 0 { return "a single fault is not covered" }
        if !t.complete {
            return "\(any(t.k)); not every set of \(t.k + 1) was checked (the search stopped at its limit of "
                + "\(t.examined) examined \(t.examined == 1 ? "set" : "sets"); --max-sets raises it)"
        }
        if t.counterexample == nil && t.checkedUpTo < t.maxK {
            if t.possibleFaults == 1 { return "the only possible fault is covered" }
            return "\(any(t.maxK)): only \(t.possibleFaults) are possible, and every set of them is covered"
        }
        return any(t.k)
    }

    /// `os faults: any 2 at once are covered (checked up to 3)`.
    static func headline(_ t: KindTolerance) -> String {
        "\(title(t.kind)): \(answer(t)) (checked up to \(t.checkedUpTo))"
    }

    /// What a counterexample lacks, on one line: the set and why.
    static func setLine(_ c: ToleranceCounterexample, unit: Size.Unit) -> Words {
        var why: [String] = []
        if c.shortfall > 0 { why.append("\(Size.format(c.shortfall, unit: unit)) short") }
        if !c.unrecoverable.isEmpty {
            let n = c.unrecoverable.count
            why.append("\(n) \(n == 1 ? "job" : "jobs") no memory can bring back")
        }
        let noun = c.cases.count == 1 ? "fault" : "set of \(c.cases.count)"
        return "first uncovered \(noun): \(names: c.cases) — \(why.joined(separator: "; "))"
    }

    /// Per short machine and standby, and per job lost: why the set is not covered.
    static func details(_ c: ToleranceCounterexample, unit: Size.Unit) -> [Words] {
        let size = { (bytes: Int) in Size.format(bytes, unit: unit) }
        var lines: [Words] = []
        for s in c.shortages {
            var line: Words = "\(name: s.machine): \(size(s.shortfall)) short — its standbys lacked \(size(s.missing)); "
            line +=
                s.requiredPool == nil
                ? "they may not draw from the pool (pool: false)"
                : "its pool held \(size(s.held)) (\(size(s.released)) of it released by these faults) and gave \(size(s.draw))"
            lines.append(line)
            for st in s.standbys {
                var standby: Words =
                    "\(name: "\(s.machine)/\(st.standby)"): its copies need \(size(st.need)); it had \(size(st.free)) free"
                standby += " and was handed \(size(st.handed)); it lacked \(size(st.missing)) and drew \(size(st.drawn))"
                if !st.shortJobs.isEmpty { standby += "; \(names: st.shortJobs) could not start" }
                lines.append(standby)
            }
        }
        for group in lostGroups(c) {
            let verb = group.jobs.count == 1 ? "is" : "are"
            let their = group.jobs.count == 1 ? "its" : "their"
            switch group.reason {
            case .standbyDown(let standby):
                lines.append("\(shown(group.jobs)) \(verb) lost: \(their) standby \(name: standby) fails too")
            case .stoppedByPolicy:
                lines.append("\(shown(group.jobs)) \(verb) lost: \(their) fault policy stops \(group.jobs.count == 1 ? "it" : "them")")
            case .noStandby:
                lines.append("\(shown(group.jobs)) \(verb) lost: \(their) standby names no OS of the spec")
            }
        }
        return lines
    }

    /// What would cover the set: per short machine a pool (or, with `pool:
    /// false`, only) the standbys raised; per job lost with its standby, a
    /// standby outside the set.
    static func covers(_ c: ToleranceCounterexample, unit: Size.Unit) -> [Words] {
        let size = { (bytes: Int) in Size.format(bytes, unit: unit) }
        var lines: [Words] = []
        for s in c.shortages {
            if let cover = Sentences.cover(s, pool: s.requiredPool != nil, size: size, standby: { "\(s.machine)/\($0)" }) {
                lines.append(cover)
            }
        }
        for group in lostGroups(c) {
            let copies = group.jobs.count == 1 ? "its copy" : "their copies"
            switch group.reason {
            case .standbyDown(let standby):
                lines.append(
                    c.kind == .machine
                        ? "\(shown(group.jobs)) would be kept by a standby for \(copies) on a machine outside the set (not \(name: standby))"
                        : "\(shown(group.jobs)) would be kept by a standby for \(copies) that does not fail with \(name: standby)")
            case .noStandby:
                lines.append("\(shown(group.jobs)) would be kept by a standby reference that names an OS of the spec")
            case .stoppedByPolicy:
                lines.append("\(shown(group.jobs)) would be kept by a policy that fails them over")
            }
        }
        return lines
    }

    /// The jobs lost, grouped by why (one group per standby), in the order
    /// the set meets them.
    static func lostGroups(_ c: ToleranceCounterexample) -> [(reason: UnrecoverableJob.Reason, jobs: [String])] {
        var groups: [(reason: UnrecoverableJob.Reason, jobs: [String])] = []
        var index: [UnrecoverableJob.Reason: Int] = [:]
        for u in c.unrecoverable {
            if let g = index[u.reason] {
                groups[g].jobs.append(u.job)
            } else {
                index[u.reason] = groups.count
                groups.append((u.reason, [u.job]))
            }
        }
        return groups
    }

    /// The most job names a sentence lists; JSON lists every one.
    static let namesShown = 6

    /// `a, b, c`, or `a, b, …, f and 12 more`: a machine can lose thousands of jobs.
    static func shown(_ jobs: [String]) -> Words {
        guard jobs.count > namesShown else { return "\(names: jobs)" }
        return "\(names: Array(jobs.prefix(namesShown))) and \(jobs.count - namesShown) more"
    }

    // MARK: - Text

    /// What a report of no kind says: the spec plans neither kind.
    static let noKind = "no os or machine faults are planned (policies.faults), so none was checked; --kind asks anyway"

    static func renderText(_ report: ToleranceReport, unit: Size.Unit, to out: inout some TextOutputStream) {
        let terminal = { (name: String) in TerminalText.escaped(name) }
        if report.kinds.isEmpty { out.write(Self.noKind + "\n") }
        for t in report.kinds {
            out.write(headline(t) + "\n")
            guard let c = t.counterexample else { continue }
            out.write("  \(setLine(c, unit: unit).rendered(terminal))\n")
            for line in details(c, unit: unit) { out.write("    \(line.rendered(terminal))\n") }
            for line in covers(c, unit: unit) { out.write("    \(line.rendered(terminal))\n") }
        }
    }

    // MARK: - Markdown

    static func renderMarkdown(_ report: ToleranceReport, unit: Size.Unit, to out: inout some TextOutputStream) {
        let md = CompileRenderer.markdown
        out.write("## Simultaneous faults (up to \(report.maxK) at once)\n\n")
        guard !report.kinds.isEmpty else {
            out.write(Self.noKind.capitalizedFirst + ".\n")
            return
        }
        out.write("| faults | k | checked up to | possible | answer |\n|---|--:|--:|--:|---|\n")
        for t in report.kinds {
            out.write(
                "| \(t.kind.rawValue) | \(t.k) | \(t.checkedUpTo) | \(t.possibleFaults) | \(answer(t).capitalizedFirst) |\n")
        }
        for t in report.kinds {
            guard let c = t.counterexample else { continue }
            let heading = t.kind == .os ? "OS faults" : "Machine faults"
            out.write("\n### \(heading): \(c.cases.count == 1 ? "a fault" : "a set of \(c.cases.count)") not covered\n\n")
            out.write("\(setLine(c, unit: unit).rendered(md).capitalizedFirst).\n\n")
            for line in details(c, unit: unit) + covers(c, unit: unit) { out.write("- \(line.rendered(md))\n") }
        }
    }

    // MARK: - JSON

    static func renderJSON(_ report: ToleranceReport, to out: inout some TextOutputStream) {
        var json = JSONWriter.report()
        json.field("max_k", report.maxK)
        json.field("reaches_max_k", report.reachesMaxK)
        json.objects("tolerance", report.kinds) { json, t in
            json.field("checked_up_to", t.checkedUpTo)
            json.field("complete", t.complete)
            json.key("counterexample")
            if let c = t.counterexample { write(c, into: &json) } else { json.null() }
            json.field("examined_sets", t.examined)
            json.field("k", t.k)
            json.field("kind", t.kind.rawValue)
            json.field("possible_faults", t.possibleFaults)
            json.field("reaches_max_k", t.reachesMaxK)
            json.field("simulated_sets", t.simulated)
        }
        json.finish(to: &out)
    }

    private static func write(_ c: ToleranceCounterexample, into json: inout JSONWriter) {
        let k = PlanRenderer.CaseKeys.shared
        json.object { o in
            o.strings(Keys.cases, c.cases)
            PlanRenderer.writeShortages(c.shortages, as: k[.machines], missing: true, keys: k, into: &o)
            o.field(k[PlanRenderer.CaseKeys.CaseMember.shortfallBytes], c.shortfall)
            o.field(Keys.size, c.cases.count)
            PlanRenderer.writeUnrecoverable(c.unrecoverable, keys: k, into: &o)
            o.strings(Keys.wouldBeCoveredBy, covers(c, unit: .auto).map(\.plain))
        }
    }

    /// A counterexample's own keys; those of its shortages and jobs are a case's.
    private enum Keys {
        static let cases = JSONWriter.StaticKey.make("cases")
        static let size = JSONWriter.StaticKey.make("size")
        static let wouldBeCoveredBy = JSONWriter.StaticKey.make("would_be_covered_by")
    }
}
