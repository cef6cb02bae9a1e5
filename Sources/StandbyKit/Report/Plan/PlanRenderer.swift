/// Stage: plan → a report (`standby plan`), and one case's tables → a report
/// (`standby plan --case ID`).
///
/// Plan formats:
/// - `text`: leads with the answer — whether every case is covered and what the
///   fluid layout saves against the duplicate one (the static total too) — then
///   the fleet's figures when there is more than one machine, then per machine:
///   its standbys (allocated, minimum, the actives each protects), its actives
///   (footprint, protecting standbys), its figures (footprint, reserve minimum,
///   the three totals, savings), the cases that are not covered with why and
///   what would cover them, the cases where a standby is down and jobs run
///   unprotected, and every case in one aligned table. Sizes in the chosen unit.
/// - `markdown`: the same content with `##` and `###` headings and tables.
/// - `json`: the stable plan document (`format_version` 1.0, docs/model.md's "Stable
///   output contract", described by `schemas/plan.schema.json`); sizes in bytes,
///   keys sorted. Every case has `severity` and `action`: a string for a `job`
///   case, `null` for every other kind, so all cases have the same keys.
/// - `csv`: RFC 4180, header
///   `machine,case,kind,target,severity,covered,shortfall_bytes,pool_draw_bytes,lost_jobs`,
///   one record per case. `severity` is empty except for `job` cases, `covered` is
///   `true` or `false`, and `lost_jobs` holds the lost jobs joined with `;` (no
///   valid name holds a `;`), empty when none is lost.
/// - `html`: the page written by ``HTMLReport``.
///
/// Case formats (``renderCase(_:format:unit:to:)``): the tables of the machines
/// the case affects before the fault (the final start-up tables), each step the
/// monitor takes, and the tables after the last step.
/// - `text` and `markdown`: the tables as `standby compile` draws them, the steps
///   as a numbered list.
/// - `json`: `schemas/case.schema.json`: `case`, `machines[]` (each with its
///   `before` and `after` regions) and `steps[]`.
/// - `csv`: RFC 4180, header `case,table,machine,region,kind,size_bytes,owner,on_fault`,
///   one record per region of each table; `table` is `before` or `after`. The
///   steps are in the other formats only: CSV holds one table per export.
/// - `html`: the Markdown report (a case has no HTML page of its own).
///
/// The human formats say one content: a walk over the plan (`walkPlan`) and
/// one over a case (`walkCase`) yield its blocks (`PlanDocument`, `CaseDocument`), with
/// every sentence written once in `Sentences`; text and Markdown render
/// those blocks, and the HTML page takes its words from the same sentences.
///
/// Output is deterministic: the same plan, format and unit always give the same
/// bytes. The writers stream: each write to the output holds at most one case
/// (or one row); a ``UTF8OutputStream`` gets JSON cases and CSV rows in pieces
/// of about 32 KiB. Given ``PlanFigures`` instead of a ``Plan``, the text and
/// Markdown reports plan one machine at a time and keep only its cases, and
/// the JSON and CSV exports write each case as it is simulated and keep none,
/// so a fleet's ~300,000 cases are never in memory together.
public enum PlanRenderer {
    /// Writes the report of a plan. `compiled` is the spec the plan was made from:
    /// it gives each machine's granule and reserve and the spec's policies.
    /// With a `fix`, every format but CSV shows it: the human reports one
    /// sentence per machine that changes, JSON each machine's `fix` edits.
    public static func render(
        _ plan: Plan, compiled: CompiledSpec, format: OutputFormat, unit: Size.Unit, fix: PlanFix? = nil,
        detail: PlanDetail? = nil, path: String? = nil, tolerance: ToleranceReport? = nil,
        to out: inout some TextOutputStream
    ) {
        let exported = plan.machines.lazy.map { m in
            ExportMachine(plan: m, covered: m.cases.allSatisfy(\.covered), forEachCase: { write in m.cases.forEach { write($0.record) } })
        }
        render(
            PlanSummary(plan), { body in plan.machines.forEach(body) }, compiled: compiled, format: format, unit: unit,
            fix: fix, detail: detail, path: path, tolerance: tolerance, to: &out,
            json: { json, piece, flush in
                for (i, m) in exported.enumerated() {
                    writeMachineJSON(
                        m, fix: fix?.edits(of: m.plan.name) ?? [], layout: LeastLayout.of(m.plan, in: compiled, machine: i),
                        piece: piece, into: &json, flush: flush)
                }
            },
            csv: { piece, out in renderCSV(exported, piece: piece) { $0.flush(to: &out) } },
            html: { (HTMLFleet(plan), { plan.machines[$0] }) })
    }

    /// Writes the report of a plan made one machine at a time: `figures` come
    /// from ``Planner/figures(_:faults:)`` on `compiled`, and each machine is
    /// planned (``Planner/forEachMachine(_:_:)``), written and dropped in turn.
    /// The bytes are those that
    /// ``render(_:compiled:format:unit:fix:detail:path:tolerance:to:)-(Plan,_,_,_,_,_,_,_,_)``
    /// writes for the whole plan. Text and Markdown hold one machine's cases at a time; JSON
    /// and CSV write each case as it is simulated and hold none but the output
    /// of the few machines written at once on other cores; HTML simulates
    /// the machines on every core for its overview and plans again only those
    /// that get a section.
    public static func render(
        _ figures: PlanFigures, compiled: CompiledSpec, format: OutputFormat, unit: Size.Unit, fix: PlanFix? = nil,
        detail: PlanDetail? = nil, path: String? = nil, tolerance: ToleranceReport? = nil,
        to out: inout some TextOutputStream
    ) {
        render(
            PlanSummary(figures), { body in Planner.forEachMachine(figures, body) }, compiled: compiled, format: format,
            unit: unit, fix: fix, detail: detail, path: path, tolerance: tolerance, to: &out,
            json: { json, piece, flush in
                writeMachinesJSONInParallel(figures, compiled: compiled, fix: fix, into: &json, piece: piece, flush: flush)
            },
            csv: { piece, out in renderCSVInParallel(figures, piece: piece) { $0.flush(to: &out) } },
            html: { (HTMLFleet(figures), HTMLReport.machines(of: figures)) })
    }

    /// The report of a whole plan or of one planned machine by machine: the
    /// `summary` and `machines` the human reports read, `json` the machines
    /// of the JSON report (given the size of piece to flush at and the
    /// flush), `csv` the CSV report (given that size), and `html` the page's
    /// fleet and how it plans each machine again.
    private static func render<Out: TextOutputStream>(
        _ summary: PlanSummary, _ machines: Machines, compiled: CompiledSpec, format: OutputFormat, unit: Size.Unit,
        fix: PlanFix?, detail: PlanDetail?, path: String?, tolerance: ToleranceReport?, to out: inout Out,
        json: (inout JSONWriter, Int, (inout JSONWriter) -> Void) -> Void, csv: (Int, inout Out) -> Void,
        html: () -> (HTMLFleet, (Int) -> MachinePlan)
    ) {
        let detail = detail ?? .automatic(machines: summary.machineCount)
        switch format {
        case .text, .markdown:
            renderHuman(
                summary, machines, compiled: compiled, markdown: format == .markdown, unit: unit, fix: fix,
                detail: detail, path: path ?? fix?.path, tolerance: tolerance, to: &out)
        case .json: renderJSON(summary, to: &out, machines: json)
        case .csv: csv(piece(out), &out)
        case .html:
            let summarize = { (tally: PlanTally) in
                PlanDigest(compiled: compiled, fix: fix, unit: unit, path: path ?? fix?.path, tally: tally)
                    .lists(machineCount: summary.machineCount, tolerance: tolerance)
            }
            let (fleet, machine) = html()
            HTMLReport.page(
                fleet, compiled: compiled, fix: fix, allMachines: detail != .summary, summarize: summarize, to: &out,
                machine: machine)
        }
    }

    /// The JSON report to `out`: `machines` writes the machines, with the size
    /// of piece to flush at and the flush to `out`.
    private static func renderJSON<Out: TextOutputStream>(
        _ summary: PlanSummary, to out: inout Out,
        machines: (inout JSONWriter, Int, (inout JSONWriter) -> Void) -> Void
    ) {
        let piece = piece(out)
        renderJSON(summary) { json in
            machines(&json, piece) { $0.flush(to: &out) }
        } flush: { $0.flush(to: &out) }
    }

    /// The text or Markdown report, which both renders write alike from their machines.
    private static func renderHuman(
        _ summary: PlanSummary, _ machines: Machines, compiled: CompiledSpec, markdown: Bool, unit: Size.Unit,
        fix: PlanFix?, detail: PlanDetail, path: String?, tolerance: ToleranceReport?,
        to out: inout some TextOutputStream
    ) {
        if markdown {
            renderMarkdown(
                summary, machines, compiled: compiled, unit: unit, fix: fix, detail: detail, path: path,
                tolerance: tolerance, to: &out)
        } else {
            renderText(
                summary, machines, compiled: compiled, unit: unit, fix: fix, detail: detail, path: path,
                tolerance: tolerance, to: &out)
        }
    }

    /// Hands each machine's plan, in document order, to its argument.
    typealias Machines = ((MachinePlan) -> Void) -> Void

    /// How many bytes the JSON and CSV writers buffer before they hand them to
    /// `out`. A stream that takes bytes buffers them anyway: it gets larger
    /// pieces, which saves a dynamic cast per case; any other gets one case (or
    /// row) at a time.
    ///
    /// The writers take the stream as a closure that flushes them, not as a
    /// generic parameter: a public renderer generic over its stream is not
    /// specialized for the caller's, and the writers would then not be
    /// specialized for the kind of case either.
    static func piece(_ out: some TextOutputStream) -> Int {
        out is any UTF8OutputStream ? 1 << 15 : 0
    }

    /// What a report says of the whole plan before its machines.
    struct PlanSummary {
        var faults: [FaultKind]
        var caseCount = 0
        var uncoveredCaseCount = 0
        var machineCount: Int
        var totals: FleetTotals

        init(_ plan: Plan) {
            faults = plan.faults
            machineCount = plan.machines.count
            totals = plan.totals
            for m in plan.machines {
                caseCount += m.cases.count
                for c in m.cases where !c.covered { uncoveredCaseCount += 1 }
            }
        }

        init(_ figures: PlanFigures) {
            faults = figures.faults
            caseCount = figures.caseCount
            uncoveredCaseCount = figures.uncoveredCaseCount
            machineCount = figures.machineCount
            totals = figures.totals
        }
    }

    /// Writes one case step by step: the tables before the fault, each step, the
    /// tables after it.
    public static func renderCase(
        _ trace: CaseTrace, format: OutputFormat, unit: Size.Unit, to out: inout some TextOutputStream
    ) {
        switch format {
        case .text: renderCaseText(trace, unit: unit, to: &out)
        case .markdown, .html: renderCaseMarkdown(trace, unit: unit, to: &out)
        case .json: renderCaseJSON(trace, to: &out)
        case .csv: renderCaseCSV(trace, to: &out)
        }
    }

    /// The header of the plan CSV export (the stable output contract).
    public static let csvHeader = [
        "machine", "case", "kind", "target", "severity", "covered", "shortfall_bytes", "pool_draw_bytes", "lost_jobs",
    ]

    /// The header of the case CSV export.
    public static let caseCSVHeader = [
        "case", "table", "machine", "region", "kind", "size_bytes", "owner", "on_fault",
    ]

    /// What joins the jobs of one CSV field (`lost_jobs`). Names hold only
    /// letters, digits, `.`, `_`, `-` and `/`, so it never occurs inside one.
    public static let csvListSeparator = ";"
}
