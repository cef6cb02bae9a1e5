/// Stage: plan → the capacity report as one self-contained HTML page
/// (`standby plan --format html`).
///
/// The page needs nothing but itself: the stylesheet is inline, every chart is
/// inline SVG, there is no script, no font and no address to fetch. It shows,
/// from the top:
///
/// - the fleet's headline: whether every simulated case is covered, the fluid,
///   duplicate and static totals as bars on one scale, and the savings;
/// - a legend of colours (by owner) and patterns (what a case did to memory);
/// - with more than one machine, an overview table, one row per machine linking
///   to its section, sorted by cases not covered (most first), then savings
///   (largest first), then document order;
/// - per machine, a `<details>` section (open when the spec has one machine):
///   its headline and totals; the memory layout after start-up and after each
///   `os` and `memory` case, one bar per state, each the machine's memory wide;
///   each standby's minimum against its allocation; every case not covered
///   with its reasons and what would cover it; the full case table.
///
/// Geometry is exact: a region of `b` bytes on a machine of `M` bytes is
/// `b × 1000 / M` viewBox units wide, computed in 128-bit integers and rounded
/// to whole units, each edge from the exact running sum; every drawn `rect`
/// carries `data-bytes`, and every chart its scale (`data-scale`).
///
/// A machine whose start-up table has more than ``HTMLBars/groupingThreshold``
/// rows is *large*, and is drawn and tabled in groups so that a fleet of
/// 1,000 machines with 150,000 jobs stays under 25 MB: after start-up, each OS
/// with its jobs is one rect; after a case, what the case left alone is one
/// rect (first), and the copies and lost parts are one rect per owner; its job
/// cases are one row per outcome, listing the jobs that have it; and lists of
/// jobs that are exactly the failed OS's hot-standby or ordinary jobs are said
/// in words. Bars of small machines show every region, labelled when it fits.
///
/// Every name from the spec is HTML-escaped. Output is deterministic: the same
/// plan and compiled spec always give the same bytes. The page is written
/// machine by machine: at most one machine's markup is held at a time.
public enum HTMLReport {
    /// Writes the page for `plan`, which must come from `compiled`: the bars
    /// replay cases on its tables.
    public static func render(
        _ plan: Plan, compiled: CompiledSpec, fix: PlanFix? = nil, to out: inout some TextOutputStream
    ) {
        HTMLPage(plan: plan, compiled: compiled, fix: fix).render(to: &out)
    }

    /// `text` safe in HTML content and in double- or single-quoted attributes:
    /// `&`, `<`, `>`, `"` and `'` as character references.
    static func escape(_ text: String) -> String {
        // Names are plain ASCII almost always: skip the copy when nothing needs escaping.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The machines' indices in overview order: cases not covered, most first;
    /// then savings in bytes, largest first; then document order.
    static func overviewOrder(_ machines: [MachinePlan]) -> [Int] {
        let uncovered = machines.map { $0.cases.reduce(0) { $0 + ($1.covered ? 0 : 1) } }
        return machines.indices.sorted { a, b in
            if uncovered[a] != uncovered[b] { return uncovered[a] > uncovered[b] }
            if machines[a].savings != machines[b].savings { return machines[a].savings > machines[b].savings }
            return a < b
        }
    }

    /// The id of a machine's section; the overview links to `#` and this.
    static func sectionID(_ machine: String) -> String { "m-" + machine }
}

/// The page being written: the plan, its compiled spec, and a tracer that
/// replays the cases drawn as bars.
struct HTMLPage {
    let plan: Plan
    let compiled: CompiledSpec
    let tracer: CaseTracer
    /// The least memory that covers every case memory can cover, if shown.
    let fix: PlanFix?

    init(plan: Plan, compiled: CompiledSpec, fix: PlanFix? = nil) {
        self.plan = plan
        self.compiled = compiled
        self.fix = fix
        // Indexes the spec once, so that each traced case costs only its own tables.
        self.tracer = CaseTracer(compiled)
    }

    func render(to out: inout some TextOutputStream) {
        var h = ""
        h.reserveCapacity(1 << 16)
        head(&h)
        fleet(&h)
        if plan.machines.count > 1 { overview(&h) }
        out.write(h)
        h.removeAll(keepingCapacity: true)
        h += "<main>\n"
        for (i, machine) in plan.machines.enumerated() {
            self.machine(machine, compiled: compiledMachine(i, machine.name), into: &h)
            out.write(h)
            h.removeAll(keepingCapacity: true)
        }
        h += "</main>\n</body>\n</html>\n"
        out.write(h)
    }

    /// The compiled machine of `plan.machines[i]`: the planner keeps document
    /// order, so the same index, unless the two do not match.
    private func compiledMachine(_ i: Int, _ name: String) -> CompiledMachine? {
        if i < compiled.machines.count, compiled.machines[i].name == name { return compiled.machines[i] }
        return compiled.machines.first { $0.name == name }
    }

    // MARK: - Top of the page

    private func head(_ h: inout String) {
        h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>"
        h += plan.machines.count == 1
            ? "Capacity report: \(esc(plan.machines[0].name))" : "Capacity report: \(plan.machines.count) machines"
        h += "</title>\n<style>\n"
        h += HTMLStyle.css
        h += "\n</style>\n</head>\n<body>\n"
    }

    private func fleet(_ h: inout String) {
        let cases = plan.machines.reduce(0) { $0 + $1.cases.count }
        let uncovered = plan.machines.reduce(0) { $0 + $1.cases.reduce(0) { $0 + ($1.covered ? 0 : 1) } }
        let short = plan.machines.reduce(0) { $0 + ($1.cases.allSatisfy(\.covered) ? 0 : 1) }
        let t = plan.totals
        let count = plan.machines.count
        h += "<header>\n<h1>Capacity report</h1>\n"
        h += "<p>\(count) machine\(count == 1 ? "" : "s"), \(cases) case\(cases == 1 ? "" : "s") simulated"
        h += " (faults: \(Sentences.faultList(plan.faults)); each case is one fault alone).</p>\n"
        h += uncovered == 0 ? "<p class=\"ok\">" : "<p class=\"bad\">"
        h += "Covered: \(Sentences.coverage(total: cases, uncovered: uncovered))"
        if uncovered > 0 && count > 1 { h += ", on \(short) of \(count) machines" }
        h += ".</p>\n<p>\(Sentences.savings(t, unit: .auto).capitalizedFirst)."
        h += " The fluid total includes a reserve minimum of \(Size.describe(t.reserveMinimum)) in the pools.</p>\n"
        if let fix, !fix.advice.machines.isEmpty {
            h += "<p>The least memory that covers every case memory can cover (<code>standby fix</code> writes it):</p>\n<ul class=\"fix\">\n"
            for line in fix.sentences { h += "<li>\(line.rendered(HTMLReport.escape))</li>\n" }
            h += "</ul>\n"
        }
        let memory = plan.machines.reduce(0) { satAdd($0, $1.memory) }
        HTMLBars.valueChart(
            totalsValues(memory: memory, fluid: t.fluidTotal, duplicate: t.duplicateTotal, staticTotal: t.staticTotal),
            title: count == 1 ? "Totals" : "Fleet totals", into: &h)
        h += "<p class=\"note\">Fluid: standbys at their minimum, memory handed over at failover. "
        h += "Duplicate: each standby as large as the largest active it protects. "
        h += "Static: each standby sized for its copies, no hand-over. "
        h += "Sizes in binary units (1 MiB = 2<sup>20</sup> bytes).</p>\n"
        HTMLStyle.legend(into: &h)
        h += "<p class=\"note\">Each bar is its machine's memory wide; hover a region for its name, owner and size. "
        if count > 1 { h += "Machine sections are folded: open one from the overview or by its name. " }
        h += "The page needs no script. Printing unfolds every section in browsers that can "
        h += "(those supporting <code>::details-content</code>, such as Chromium 131 and later); "
        h += "others print the sections that are open, so open those you want on paper first.</p>\n"
        h += "</header>\n"
    }

    private func overview(_ h: inout String) {
        h += "<section id=\"overview\">\n<h2>Machines</h2>\n<table class=\"ov\">\n"
        h += "<caption>Sorted by cases not covered (most first), then savings (largest first), "
        h += "then document order.</caption>\n"
        h += "<thead><tr><th scope=\"col\">Machine</th><th scope=\"col\">Not covered</th><th scope=\"col\">Cases</th>"
        h += "<th scope=\"col\">Fluid</th><th scope=\"col\">Duplicate</th><th scope=\"col\">Static</th>"
        h += "<th scope=\"col\">Savings</th><th scope=\"col\">Savings %</th>"
        h += "<th scope=\"col\">Reserve minimum</th></tr></thead>\n<tbody>\n"
        for i in HTMLReport.overviewOrder(plan.machines) {
            let m = plan.machines[i]
            let uncovered = m.cases.reduce(0) { $0 + ($1.covered ? 0 : 1) }
            // End tags of cells and rows are optional in HTML; a fleet has a row per machine.
            h += uncovered > 0 ? "<tr class=\"n\">" : "<tr>"
            h += "<td><a href=\"#\(esc(HTMLReport.sectionID(m.name)))\">\(esc(m.name))</a>"
            h += "<td>\(uncovered)<td>\(m.cases.count)<td>\(Size.describe(m.fluidTotal))"
            h += "<td>\(Size.describe(m.duplicateTotal))<td>\(Size.describe(m.staticTotal))"
            h += "<td>\(Size.describe(m.savings))<td>\(m.savingsPercent) %<td>\(Size.describe(m.reserveMinimum))\n"
        }
        h += "</tbody>\n</table>\n</section>\n"
    }

    // MARK: - One machine

    private func machine(_ m: MachinePlan, compiled cm: CompiledMachine?, into h: inout String) {
        let single = plan.machines.count == 1
        let uncovered = m.cases.reduce(0) { $0 + ($1.covered ? 0 : 1) }
        h += "<details class=\"m\" id=\"\(esc(HTMLReport.sectionID(m.name)))\"\(single ? " open" : "")>"
        h += "<summary><h2>\(esc(m.name))</h2> "
        h += uncovered == 0 ? "<span class=\"ok\">" : "<span class=\"bad\">"
        h += "covered: \(Sentences.coverage(total: m.cases.count, uncovered: uncovered))</span>"
        h += " · \(Sentences.savings(m, unit: .auto))</summary>\n"
        h += "<p>Memory \(Size.describe(m.memory)) · monitor \(Size.describe(m.monitor))"
        h += " · footprint of the actives \(Size.describe(m.footprint))"
        h += " · pool after start-up \(Size.describe(m.pool))"
        h += " · reserve minimum \(Size.describe(m.reserveMinimum)).</p>\n"
        HTMLBars.valueChart(
            totalsValues(
                memory: m.memory, fluid: m.fluidTotal, duplicate: m.duplicateTotal, staticTotal: m.staticTotal),
            title: "\(m.name): totals", into: &h)
        if let cm { layout(m, cm, into: &h) }
        standbys(m, into: &h)
        if plan.machines.count > 1, let line = fix?.sentence(of: m.name) {
            h += "<p class=\"fix\">Fix: \(line.rendered(HTMLReport.escape))</p>\n"
        }
        notCovered(m, into: &h)
        caseTable(m, cm, open: single, into: &h)
        h += "</details>\n"
    }

    // MARK: - Standbys

    private func standbys(_ m: MachinePlan, into h: inout String) {
        guard !m.standbys.isEmpty else { return }
        h += "<h3>Standbys: minimum against allocation</h3>\n"
        var values: [HTMLBars.Value] = []
        for s in m.standbys {
            values.append(HTMLBars.Value(label: "\(s.name) allocated", bytes: s.allocated, fill: "du"))
            values.append(HTMLBars.Value(label: "\(s.name) minimum", bytes: s.minimum, fill: "fl"))
        }
        HTMLBars.valueChart(values, title: "\(m.name): standby minimum against allocation", into: &h)
        h += "<ul class=\"short\">\n"
        for s in m.standbys {
            let beyond = s.minimum - satAdd(s.kernel, s.resident)
            h += "<li><b>\(esc(s.name))</b>: minimum \(Size.describe(s.minimum)) = kernel \(Size.describe(s.kernel))"
            h += " + resident jobs \(Size.describe(s.resident))"
            h += " + \(Size.describe(max(0, beyond))) beyond what is handed to it"
            h += "; allocated \(Size.describe(s.allocated))"
            if s.minimum < s.allocated {
                h += " (\(Size.describe(s.allocated - s.minimum)) more than it needs)"
            } else if s.minimum > s.allocated {
                h += " (\(Size.describe(s.minimum - s.allocated)) less than it needs without the pool)"
            }
            h += s.protects.isEmpty
                ? "; protects no active OS.</li>\n"
                : "; protects \(s.protects.map(esc).joined(separator: ", ")).</li>\n"
        }
        h += "</ul>\n"
    }

    // MARK: - Cases

    /// The cases not covered, each with why and what would cover it, in the
    /// sentences of the text and Markdown reports.
    private func notCovered(_ m: MachinePlan, into h: inout String) {
        let list = PlanRenderer.notCovered(m, pool: compiled.spec.policies.pool, unit: .auto)
        h += "<h3>Cases not covered (\(list?.items.count ?? 0))</h3>\n"
        if let list {
            h += "<ul class=\"short\">\n"
            for item in list.items {
                h += "<li><b>\(item.headline.rendered(esc))</b>"
                if !item.details.isEmpty {
                    h += "<ul>"
                    for line in item.details { h += "<li>\(line.rendered(esc))</li>" }
                    h += "</ul>"
                }
                h += "</li>\n"
            }
            h += "</ul>\n"
        } else {
            h += "<p>Every case of \(esc(m.name)) is covered.</p>\n"
        }
        if !m.unrecoverableJobs.isEmpty {
            h += "<p>\(Sentences.unrecoverableJobs(m.unrecoverableJobs).rendered(esc).capitalizedFirst)."
            h += " The reserve minimum leaves them out.</p>\n"
        }
    }

    // MARK: - Shared pieces

    private func totalsValues(memory: Int, fluid: Int, duplicate: Int, staticTotal: Int) -> [HTMLBars.Value] {
        [
            HTMLBars.Value(label: "memory", bytes: memory, fill: "me"),
            HTMLBars.Value(label: "fluid", bytes: fluid, fill: "fl"),
            HTMLBars.Value(label: "duplicate", bytes: duplicate, fill: "du"),
            HTMLBars.Value(label: "static", bytes: staticTotal, fill: "st"),
        ]
    }

    func esc(_ s: String) -> String { HTMLReport.escape(s) }
}