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
/// - with more than one machine, an overview table, one row per machine with
///   its figures, where its cases are short and whether its own memory is
///   short, sorted by cases not covered, then cases short on its memory (most
///   first), then savings (largest first), then document order;
/// - a `<details>` section per machine that needs attention (a case of its
///   own not covered, or its standbys or pool short in a case of any machine),
///   at most `HTMLFleet.maxSections`, the most short first; with
///   `allMachines`, or a single machine, every machine's, in document order
///   (a single machine's open). A section has the machine's headline and
///   totals; the memory layout after start-up and after each `os` and
///   `memory` case (and each kept case of another machine short here), each
///   bar the machine's memory wide; each standby's minimum against its
///   allocation; every case not covered with its reasons and what would cover
///   it; the cases of other machines short here; the full case table.
///
/// Geometry is exact: a region of `b` bytes on a machine of `M` bytes is
/// `b × 1000 / M` thousandths of the bar's width, computed in 128-bit integers
/// and rounded to whole thousandths, each edge from the exact running sum;
/// every drawn `rect` carries `data-bytes`, and every chart its scale
/// (`data-scale`). Charts have no viewBox: they are as wide as the page and
/// their text keeps its size in CSS pixels on any screen.
///
/// A machine whose start-up table has more than `HTMLBars.groupingThreshold`
/// rows is *large*, and is drawn and tabled in groups: after start-up, each OS
/// with its jobs is one rect; after a case, what the case left alone is one
/// rect (first), and the copies and lost parts are one rect per owner; its job
/// cases are one row per outcome, listing the jobs that have it; and lists of
/// jobs that are exactly the failed OS's hot-standby or ordinary jobs are said
/// in words. Bars of small machines show every region, labelled when it fits.
///
/// Every name from the spec is HTML-escaped. Output is deterministic: the same
/// plan and compiled spec always give the same bytes. The page is written
/// section by section: at most one machine's markup is held at a time.
public enum HTMLReport {
    /// Writes the page for `plan`, which must come from `compiled`: the bars
    /// replay cases on its tables. With `allMachines`, every machine gets its
    /// section, not only those that need attention.
    public static func render(
        _ plan: Plan, compiled: CompiledSpec, fix: PlanFix? = nil, allMachines: Bool = false,
        to out: inout some TextOutputStream
    ) {
        page(HTMLFleet(plan), compiled: compiled, fix: fix, allMachines: allMachines, summarize: nil, to: &out) {
            plan.machines[$0]
        }
    }

    /// Writes the page of a plan made one machine at a time: `figures` come
    /// from ``Planner/figures(_:faults:)`` on `compiled`. The machines are
    /// simulated on every core for the overview, keeping only its rows and a
    /// few cases, and the machines that get a section are planned again, one
    /// at a time, as their turn comes. The bytes are those
    /// ``render(_:compiled:fix:allMachines:to:)`` writes for the whole plan.
    public static func render(
        _ figures: PlanFigures, compiled: CompiledSpec, fix: PlanFix? = nil, allMachines: Bool = false,
        to out: inout some TextOutputStream
    ) {
        page(
            HTMLFleet(figures), compiled: compiled, fix: fix, allMachines: allMachines, summarize: nil, to: &out,
            machine: machines(of: figures))
    }

    /// The page of `fleet`, whose machines `machine` plans in turn, with the
    /// plan report's summary lists, which `summarize` words from what the
    /// page's own pass over the machines counted.
    static func page(
        _ fleet: HTMLFleet, compiled: CompiledSpec, fix: PlanFix?, allMachines: Bool,
        summarize: ((PlanTally) -> [SummaryList])?, to out: inout some TextOutputStream, machine: (Int) -> MachinePlan
    ) {
        HTMLPage(fleet: fleet, compiled: compiled, fix: fix, allMachines: allMachines, summary: summarize?(fleet.tally))
            .render(to: &out, plan: machine)
    }

    /// Machine `m` of `figures` planned again, with its cases, by a
    /// simulator and a namer of its own.
    static func machines(of figures: PlanFigures) -> (Int) -> MachinePlan {
        let simulator = CaseSimulator(figures.index)
        let namer = CaseNamer(figures.index)
        return { figures.plan(machine: $0, simulator: simulator, namer: namer) }
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

    /// The id of a machine's section, or of its overview row when it has no
    /// section; the overview links to `#` and this.
    static func sectionID(_ machine: String) -> String { "m-" + machine }
}

/// The page being written: the fleet's rows, the compiled spec, and a tracer
/// that replays the cases drawn as bars.
struct HTMLPage {
    let fleet: HTMLFleet
    let compiled: CompiledSpec
    let tracer: CaseTracer
    /// The least memory that covers every case memory can cover, if shown.
    let fix: PlanFix?
    /// Every machine gets a section, not only those that need attention.
    let allMachines: Bool
    /// The summary's lists, as the text and Markdown reports say them; `nil`
    /// shows the fix alone.
    let summary: [SummaryList]?
    var single: Bool { fleet.rows.count == 1 }

    init(fleet: HTMLFleet, compiled: CompiledSpec, fix: PlanFix?, allMachines: Bool, summary: [SummaryList]? = nil) {
        self.fleet = fleet
        self.compiled = compiled
        self.fix = fix
        self.allMachines = allMachines
        self.summary = summary
        // Indexes the spec once, so that each traced case costs only its own tables.
        self.tracer = CaseTracer(compiled)
    }

    /// Writes the page; `plan(i)` gives machine `i`'s plan, cases included,
    /// when its section is written (and is dropped after it).
    func render(to out: inout some TextOutputStream, plan: (Int) -> MachinePlan) {
        let sections = fleet.sections(allMachines: allMachines)
        var h = ""
        h.reserveCapacity(1 << 16)
        head(&h)
        self.fleet(&h)
        if !single { overview(&h, sections: sections) }
        out.write(h)
        h.removeAll(keepingCapacity: true)
        h += "<main>\n"
        for i in sections {
            let m = plan(i)
            machine(m, row: fleet.rows[i], foreign: fleet.foreign[i], compiled: compiledMachine(i, m.name), into: &h)
            out.write(h)
            h.removeAll(keepingCapacity: true)
        }
        h += "</main>\n</body>\n</html>\n"
        out.write(h)
    }

    /// The compiled machine of machine `i`: the planner keeps document
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
        h += single ? "Capacity report: \(esc(fleet.rows[0].name))" : "Capacity report: \(fleet.rows.count) machines"
        h += "</title>\n<style>\n"
        h += HTMLStyle.css
        h += "\n</style>\n</head>\n<body>\n"
    }

    private func fleet(_ h: inout String) {
        let cases = fleet.caseCount
        let uncovered = fleet.uncoveredCount
        let short = fleet.rows.reduce(0) { $0 + ($1.uncovered > 0 ? 1 : 0) }
        let t = fleet.totals
        let count = fleet.rows.count
        h += "<header>\n<h1>Capacity report</h1>\n"
        h += "<p>\(count) machine\(count == 1 ? "" : "s"), \(cases) case\(cases == 1 ? "" : "s") simulated"
        h += " (faults: \(Sentences.faultList(fleet.faults)); each case is one fault alone).</p>\n"
        h += uncovered == 0 ? "<p class=\"ok\">" : "<p class=\"bad\">"
        h += "Covered: \(Sentences.coverage(total: cases, uncovered: uncovered))"
        if uncovered > 0 && count > 1 { h += ", on \(short) of \(count) machines" }
        h += ".</p>\n<p>\(Sentences.savings(t, unit: .auto).capitalizedFirst)."
        h += " The fluid total keeps at least the reserve minimum, \(Size.describe(t.reserveMinimum)), in the pools.</p>\n"
        if let summary {
            for list in summary {
                h += "<h2>\(esc(list.title.capitalizedFirst))</h2>\n"
                h += "<p class=\"note\">\(html(list.note).capitalizedFirst).</p>\n<ul class=\"fix\">\n"
                for item in list.items { h += "<li>\(html(item))</li>\n" }
                h += "</ul>\n"
                if let leftOut = list.leftOut { h += "<p class=\"note\">\(html(leftOut))</p>\n" }
            }
        } else if let fix, !fix.advice.machines.isEmpty {
            h += "<p>The least memory that covers every case memory can cover (<code>standby fix</code> writes it):</p>\n<ul class=\"fix\">\n"
            for line in fix.sentences { h += "<li>\(line.rendered(HTMLReport.escape))</li>\n" }
            h += "</ul>\n"
        }
        let memory = fleet.rows.reduce(0) { satAdd($0, $1.plan.memory) }
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
        placement(&h)
        h += "</header>\n"
    }

    private func overview(_ h: inout String, sections: [Int]) {
        var hasSection = Array(repeating: false, count: fleet.rows.count)
        for i in sections { hasSection[i] = true }
        h += "<section id=\"overview\">\n<h2>Machines</h2>\n"
        sectionsNote(&h, sections: sections.count)
        h += "<div class=\"tw\"><table class=\"ov\">\n"
        h += "<caption>Sorted by cases not covered (most first), then cases short on the machine's memory "
        h += "(most first), then savings (largest first), then document order.</caption>\n"
        h += "<thead><tr><th scope=\"col\">Machine</th><th scope=\"col\">Not covered</th>"
        h += "<th scope=\"col\">Largest shortfall of its cases</th><th scope=\"col\">Its memory short</th>"
        h += "<th scope=\"col\">Cases</th><th scope=\"col\">Fluid</th><th scope=\"col\">Duplicate</th>"
        h += "<th scope=\"col\">Static</th><th scope=\"col\">Savings</th><th scope=\"col\">Savings %</th>"
        h += "<th scope=\"col\">Reserve minimum</th></tr></thead>\n<tbody>\n"
        // One unit per column, the sizes of a column read together.
        let rows = fleet.rows
        let fluid = Size.scale(for: rows.lazy.map(\.plan.fluidTotal), unit: .auto)
        let duplicate = Size.scale(for: rows.lazy.map(\.plan.duplicateTotal), unit: .auto)
        let staticTotal = Size.scale(for: rows.lazy.map(\.plan.staticTotal), unit: .auto)
        let savings = Size.scale(for: rows.lazy.map(\.plan.savings), unit: .auto)
        let reserve = Size.scale(for: rows.lazy.map(\.plan.reserveMinimum), unit: .auto)
        for i in fleet.overviewOrder {
            let r = rows[i]
            let m = r.plan
            let id = esc(HTMLReport.sectionID(r.name))
            // End tags of cells and rows are optional in HTML; a fleet has a row per machine.
            // A machine without a section has the id on its row, so that a link to it still lands.
            h += r.needsAttention ? "<tr class=\"n\"" : "<tr"
            h += hasSection[i] ? "><td><a href=\"#\(id)\">\(esc(r.name))</a>" : " id=\"\(id)\"><td>\(esc(r.name))"
            h += "<td>\(r.uncovered)<td>"
            if let worst = r.worst {
                h += esc(worst.id)
                if !worst.shortfalls.isEmpty { h += ": " + esc(worst.shortfalls.joined(separator: "; ")) }
            }
            h += "<td>"
            if r.shortHere > 0 { h += esc(shortHere(r)) }
            h += "<td>\(r.cases)<td>\(fluid.format(m.fluidTotal))"
            h += "<td>\(duplicate.format(m.duplicateTotal))<td>\(staticTotal.format(m.staticTotal))"
            h += "<td>\(savings.format(m.savings))<td>\(m.savingsPercent) %<td>\(reserve.format(m.reserveMinimum))\n"
        }
        h += "</tbody>\n</table></div>\n</section>\n"
    }

    /// `up to 64 MiB, in 3 cases of m154`: how short a machine's own memory
    /// runs, and whose cases make it so.
    private func shortHere(_ r: HTMLMachineRow) -> String {
        var text = "up to \(Size.describe(r.mostShortHere)), in \(r.shortHere) case\(r.shortHere == 1 ? "" : "s") of "
        text += r.sources.joined(separator: ", ")
        if r.moreSources { text += " and others" }
        return text
    }

    /// What the sections below are: the rule, the cap and how to see them all.
    private func sectionsNote(_ h: inout String, sections: Int) {
        let count = fleet.rows.count
        if allMachines {
            h += "<p>Every machine has a section below, in document order.</p>\n"
            return
        }
        let attention = fleet.attentionCount
        h += "<p>A machine needs attention when a case of its own is not covered, or when its standbys or pool "
        h += "run short in a case of any machine (a job can fail over to a standby on another machine). "
        if attention == 0 {
            h += "No machine does: every machine is a row of this table only. "
        } else {
            h += "\(attention) of \(count) machine\(count == 1 ? "" : "s") \(attention == 1 ? "does" : "do")"
            if sections < attention {
                h += "; the \(sections) first in this table have a section below, "
                h += "and <b>\(attention - sections) more are left out</b> (rows of this table only). "
            } else {
                h += ", and each has a section below, in this table's order (its name links to it). "
            }
            h += "The other machines are rows of this table only. "
        }
        h += "<code>standby plan SPEC --format html --detail machines</code> gives every machine its section.</p>\n"
    }

    // MARK: - One machine

    private func machine(
        _ m: MachinePlan, row: HTMLMachineRow, foreign: [FaultCase], compiled cm: CompiledMachine?,
        into h: inout String
    ) {
        let uncovered = m.cases.reduce(0) { $0 + ($1.covered ? 0 : 1) }
        h += "<details class=\"m\" id=\"\(esc(HTMLReport.sectionID(m.name)))\"\(single ? " open" : "")>"
        h += "<summary><h2>\(esc(m.name))</h2> "
        h += uncovered == 0 ? "<span class=\"ok\">" : "<span class=\"bad\">"
        h += "covered: \(Sentences.coverage(total: m.cases.count, uncovered: uncovered))</span>"
        h += " · \(Sentences.savings(m, unit: .auto))"
        if row.shortFromOthers > 0 {
            h += " · <span class=\"bad\">memory short in \(row.shortFromOthers) case\(row.shortFromOthers == 1 ? "" : "s")"
            h += " of other machines</span>"
        }
        h += "</summary>\n"
        let figures = Size.scale(for: [m.memory, m.monitor, m.footprint, m.pool, m.reserveMinimum], unit: .auto)
        h += "<p>Memory \(figures.format(m.memory)) · monitor \(figures.format(m.monitor))"
        h += " · footprint of the actives \(figures.format(m.footprint))"
        h += " · pool after start-up \(figures.format(m.pool))"
        h += " · reserve minimum \(figures.format(m.reserveMinimum)).</p>\n"
        // A single machine's totals are the page's, drawn once at its top.
        if !single {
            HTMLBars.valueChart(
                totalsValues(
                    memory: m.memory, fluid: m.fluidTotal, duplicate: m.duplicateTotal, staticTotal: m.staticTotal),
                title: "\(m.name): totals", into: &h)
        }
        if let cm { layout(m, cm, foreign: foreign, into: &h) }
        standbys(m, into: &h)
        if !single, let line = fix?.sentence(of: m.name) {
            h += "<p class=\"fix\">Fix: \(line.rendered(HTMLReport.escape))</p>\n"
        }
        notCovered(m, into: &h)
        shortHere(m.name, foreign: foreign, count: row.shortFromOthers, into: &h)
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
            let beyond = max(0, s.minimum - satAdd(s.kernel, s.resident))
            let gap = s.allocated - s.minimum
            // The sizes of one sentence, which add up, in one unit.
            let sizes = Size.scale(for: [s.minimum, s.kernel, s.resident, beyond, s.allocated, gap], unit: .auto)
            h += "<li><b>\(esc(s.name))</b>: minimum \(sizes.format(s.minimum)) = kernel \(sizes.format(s.kernel))"
            h += " + resident jobs \(sizes.format(s.resident))"
            if compiled.spec.policies.pool {
                // With the pool, a standby's minimum is its floor: its copies draw the rest from the pool.
                h += " (its copies draw what they lack from the pool)"
            } else {
                h += " + \(sizes.format(beyond)) beyond what is handed to it in its worst case"
            }
            h += "; allocated \(sizes.format(s.allocated))"
            if gap > 0 {
                h += " (\(sizes.format(gap)) more than it needs)"
            } else if gap < 0 {
                h += " (\(sizes.format(-gap)) less than it needs)"
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
            for item in list.items { explanation(item, into: &h) }
            h += "</ul>\n"
        } else {
            h += "<p>Every case of \(esc(m.name)) is covered.</p>\n"
        }
        if !m.unrecoverableJobs.isEmpty {
            h += "<p>\(Sentences.unrecoverableJobs(m.unrecoverableJobs).rendered(esc).capitalizedFirst)."
            h += " The reserve minimum leaves them out.</p>\n"
        }
    }

    /// The cases of other machines that left this machine short: the first
    /// ``HTMLFleet/keptPerMachine`` explained as the cases not covered are,
    /// the others counted.
    private func shortHere(_ name: String, foreign: [FaultCase], count: Int, into h: inout String) {
        guard count > 0 else { return }
        h += "<h3>Cases of other machines short here (\(count))</h3>\n<ul class=\"short\">\n"
        for c in foreign {
            explanation(Sentences.explanation(c, pool: compiled.spec.policies.pool, unit: .auto), into: &h)
        }
        h += "</ul>\n"
        if count > foreign.count {
            h += "<p>\(count - foreign.count) more cases of other machines are short on \(esc(name)); "
            h += "<code>standby plan SPEC --case ID</code> shows any case step by step.</p>\n"
        }
    }

    private func explanation(_ item: Explanation, into h: inout String) {
        h += "<li><b>\(item.headline.rendered(esc))</b>"
        if !item.details.isEmpty {
            h += "<ul>"
            for line in item.details { h += "<li>\(line.rendered(esc))</li>" }
            h += "</ul>"
        }
        h += "</li>\n"
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

    /// Words as HTML: names escaped (a backtick in one stays a character),
    /// and the report's own `command` spans, as Markdown writes them, as code.
    func html(_ words: Words) -> String {
        var out = ""
        for run in words.runs {
            switch run {
            case .own(let text):
                for (i, part) in esc(text).split(separator: "`", omittingEmptySubsequences: false).enumerated() {
                    out += i % 2 == 1 ? "<code>\(part)</code>" : String(part)
                }
            case .quoted(let text):
                for character in esc(text) { out += character == "`" ? "&#96;" : String(character) }
            }
        }
        return out
    }
}