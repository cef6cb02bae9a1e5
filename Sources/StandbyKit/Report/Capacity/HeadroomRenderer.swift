/// Stage: a ``HeadroomReport`` → a report (`standby headroom`).
///
/// - `text`: the summary first — the fleet's total and the shape, how many
///   OSes have room, the OSes that take nothing more grouped by why, the
///   cases not covered today that the new jobs leave shorter — then, with
///   ``HeadroomDetail/oses``, one line per active OS: how many more fit and
///   why the next one does not; names escaped for the terminal.
/// - `markdown`: the same, lists and tables under one H2.
/// - `json`: `schemas/headroom.schema.json`, sorted keys, sizes in bytes,
///   every OS whatever the detail, and the summary.
///
/// Output is one line (or row, or object) per active OS and at most
/// ``Headroom/worseListed`` cases under it: linear in the spec.
public enum HeadroomRenderer {
    /// Writes `report` in `format` (HTML and CSV write the text), sizes in
    /// `unit`. `detail` says whether text and Markdown list every OS; when
    /// `nil` it follows `machines`, the spec's machine count: every OS for one
    /// machine, the summary alone for a fleet.
    public static func render(
        _ report: HeadroomReport, format: OutputFormat, unit: Size.Unit = .auto, detail: HeadroomDetail? = nil,
        machines: Int = 2, to out: inout some TextOutputStream
    ) {
        let detail = detail ?? HeadroomDetail.automatic(machines: machines)
        switch format {
        case .json: renderJSON(report, to: &out)
        case .markdown: renderMarkdown(report, unit: unit, detail: detail, to: &out)
        default: renderText(report, unit: unit, detail: detail, to: &out)
        }
    }

    // MARK: - Sentences

    /// `16 MiB jobs`, `16 MiB hot-standby jobs (copies 32 MiB)`.
    static func shape(_ job: NewJob, unit: Size.Unit) -> String {
        let size = Size.format(job.memory, unit: unit)
        guard job.hotStandby else { return "\(size) jobs" }
        if job.standbyMemory == job.memory { return "\(size) hot-standby jobs" }
        return "\(size) hot-standby jobs (copies \(Size.format(job.standbyMemory, unit: unit)))"
    }

    /// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`.
    static func ordinal(_ n: Int) -> String {
        let suffix: String
        switch (n % 10, n % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }

    static func oses(_ n: Int) -> String { n == 1 ? "1 active OS" : "\(n) active OSes" }

    /// The fleet's total, with what it is not.
    static func total(_ report: HeadroomReport, unit: Size.Unit) -> Words {
        "\(report.totalFits) more \(shape(report.job, unit: unit)) in all (\(oses(report.oses.count)), "
            + "each considered alone: the OSes of one machine share its pool, so the counts do not add up to one placement)"
    }

    /// `room for more on 3 of 5 active OSes (1 at --max 100, the most tried)`.
    static func room(_ summary: HeadroomSummary, max: Int) -> Words {
        var words: Words = "room for more on \(summary.withRoom) of \(oses(summary.oses))"
        if summary.atMax > 0 { words += " (\(summary.atMax) at --max \(max), the most tried)" }
        return words
    }

    /// Why a group of OSes takes nothing more.
    static func why(_ block: HeadroomBlock, max: Int) -> Words {
        switch block {
        case .start:
            "the new job cannot start: its OS's free memory and the pool above the reserve are too small"
        case .laterStart: "a job of a later OS on the machine would no longer start"
        case .copyLost:
            "a new job's copy would be lost with its machine: the OS's standby runs on the same machine, "
                + "and machine faults are planned"
        case .newCase: "a case the new jobs need would not be covered"
        case .newCaseToday: "a case the new jobs need is not covered today either"
        case .coveredCase: "a case covered today would no longer be"
        case .noStandby: "the OS names no standby for hot-standby jobs"
        case .tooLarge: "the copies of the machine's hot-standby jobs would pass 8 EiB"
        case .max: "none tried (--max \(max))"
        }
    }

    /// One group: `3 OSes: why (m0/a0, m0/a1, m1/a0 and 2 more)`.
    static func group(_ g: HeadroomSummary.Blocked, max: Int) -> Words {
        "\(g.count) OS\(g.count == 1 ? "" : "es"): " + why(g.block, max: max) + " (" + first(g) + ")"
    }

    /// A group's first OSes: `m0/a0, m0/a1, m1/a0 and 2 more`.
    static func first(_ g: HeadroomSummary.Blocked) -> Words {
        var words: Words = "\(names: g.first)"
        if g.count > g.first.count { words += " and \(g.count - g.first.count) more" }
        return words
    }

    /// The cases the new jobs leave shorter, counted.
    static func worseTotal(_ summary: HeadroomSummary) -> Words {
        let cases = summary.worseCases == 1 ? "1 case" : "\(summary.worseCases) cases"
        return "\(cases) not covered today left shorter by the new jobs, for \(oses(summary.worseOSes)) "
            + "(they do not stop the count)"
    }

    /// `vms50/memory/active 64 MiB → 128 MiB`.
    static func worse(_ w: WorseCase, unit: Size.Unit) -> Words {
        let scale = Size.scale(for: [w.shortfallToday, w.shortfall], unit: unit)
        return "\(name: w.id) short \(scale.format(w.shortfallToday)) → \(scale.format(w.shortfall))"
    }

    /// An OS's worse cases on one line, with how many were left out.
    static func worseList(_ os: OSHeadroom, unit: Size.Unit) -> Words {
        var words = os.worse.map { worse($0, unit: unit) }.joined(separator: ", ")
        if os.worseCount > os.worse.count { words += ", and \(os.worseCount - os.worse.count) more" }
        return words
    }

    /// How many fit on one OS, and why the next does not.
    static func answer(_ os: OSHeadroom, report: HeadroomReport, unit: Size.Unit) -> Words {
        let next = ordinal(os.fits + 1)
        switch os.limit {
        case .max:
            return "fits \(os.fits) more \(shape(report.job, unit: unit)), the most tried (--max \(report.max))"
        case .noStandby:
            return "fits none: it names no standby for hot-standby jobs"
        default:
            return "fits \(os.fits) more \(shape(report.job, unit: unit)); the \(next): " + why(os.limit, unit: unit)
        }
    }

    /// Why the next job does not fit.
    static func why(_ limit: HeadroomLimit, unit: Size.Unit) -> Words {
        switch limit {
        case .start(let machine, let os, let job, let needed, let available):
            return "job \(name: job) cannot start on \(name: machine): \(name: os) needs \(Size.format(needed, unit: unit)) more "
                + "and the pool can give \(Size.format(available, unit: unit))"
        case .uncovered(let id, let newCase, let coveredToday, let shortOn, let shortfall, let unrecoverable):
            var words: Words = "case \(name: id)"
            switch (newCase, coveredToday) {
            case (false, _): words += " (covered today)"
            case (true, false): words += " (a new job's case, not covered today either)"
            case (true, _): words += " (a new job's case)"
            }
            if let shortOn { words += " short \(Size.format(shortfall, unit: unit)) on \(name: shortOn)" }
            if let unrecoverable {
                words += shortOn == nil ? " not covered:" : ";"
                words += " " + lost(unrecoverable, copyLost: limit.copyLostWithMachine, case: id)
            }
            return words
        case .max: return "not tried"
        case .noStandby: return "no standby"
        case .tooLarge: return "the copies of its machine's hot-standby jobs would pass 8 EiB"
        }
    }

    /// Why a job cannot be brought back. A new job's copy whose standby runs
    /// on the failed machine is said to be lost with it.
    static func lost(_ u: UnrecoverableJob, copyLost: Bool, case id: String) -> Words {
        switch u.reason {
        case .standbyDown(let standby) where copyLost:
            let machine = String(id.dropLast("/machine".count))
            return "\(name: u.job)'s copy is lost with \(name: machine): its standby \(name: standby) runs on that machine"
        case .standbyDown(let standby):
            return "\(name: u.job) cannot be brought back: its standby \(name: standby) stops in the same fault"
        case .stoppedByPolicy: return "\(name: u.job) cannot be brought back: its fault policy stops it"
        case .noStandby: return "\(name: u.job) cannot be brought back: its standby names no OS"
        }
    }

    // MARK: - Text

    static func renderText(
        _ report: HeadroomReport, unit: Size.Unit, detail: HeadroomDetail, to out: inout some TextOutputStream
    ) {
        let quote = { (text: String) in TerminalText.escaped(text) }
        let summary = report.summary
        out.write("headroom: " + total(report, unit: unit).rendered(quote) + "\n")
        out.write(room(summary, max: report.max).rendered(quote) + "\n")
        if !summary.blocked.isEmpty {
            out.write("\nno room (\(summary.withoutRoom) of \(oses(summary.oses)), most first):\n")
            for g in summary.blocked { out.write("  " + group(g, max: report.max).rendered(quote) + "\n") }
        }
        if summary.worseCases > 0 { out.write("\n" + worseTotal(summary).rendered(quote) + "\n") }
        guard detail == .oses else {
            out.write("\n`--detail oses` shows each OS: how many fit, why the next does not, the cases it leaves shorter\n")
            return
        }
        out.write("\nper OS:\n")
        for os in report.oses {
            out.write("  \(quote(os.machine))/\(quote(os.os)): " + answer(os, report: report, unit: unit).rendered(quote) + "\n")
            if os.worseCount > 0 {
                out.write("    leaves shorter (not covered today): " + worseList(os, unit: unit).rendered(quote) + "\n")
            }
        }
    }

    // MARK: - Markdown

    static func renderMarkdown(
        _ report: HeadroomReport, unit: Size.Unit, detail: HeadroomDetail, to out: inout some TextOutputStream
    ) {
        let quote = { (text: String) in CompileRenderer.markdown(text) }
        let summary = report.summary
        out.write("## Headroom: \(shape(report.job, unit: unit))\n\n")
        out.write(total(report, unit: unit).rendered(quote).capitalizedFirst + ".\n\n")
        out.write(room(summary, max: report.max).rendered(quote).capitalizedFirst + ".\n")
        if !summary.blocked.isEmpty {
            out.write("\n### No room\n\n\(summary.withoutRoom) of \(oses(summary.oses)), most first.\n\n")
            out.write("| OSes | why | the first |\n|--:|---|---|\n")
            for g in summary.blocked {
                out.write("| \(g.count) | \(why(g.block, max: report.max).rendered(quote)) | \(first(g).rendered(quote)) |\n")
            }
        }
        if summary.worseCases > 0 { out.write("\n" + worseTotal(summary).rendered(quote).capitalizedFirst + ".\n") }
        guard detail == .oses else {
            out.write("\n`--detail oses` shows each OS.\n")
            return
        }
        out.write("\n### Per OS\n\n")
        out.write("| machine | OS | fits | the next one | left shorter (not covered today) |\n|---|---|---:|---|---|\n")
        for os in report.oses {
            let next: Words
            switch os.limit {
            case .max: next = "not tried (--max \(report.max))"
            case .noStandby: next = "no standby for hot-standby jobs"
            default: next = why(os.limit, unit: unit)
            }
            let worse = worseList(os, unit: unit).rendered(quote)
            out.write("| \(quote(os.machine)) | \(quote(os.os)) | \(os.fits) | \(next.rendered(quote)) | \(worse) |\n")
        }
    }

    // MARK: - JSON

    static func renderJSON(_ report: HeadroomReport, to out: inout some TextOutputStream) {
        var json = JSONWriter.report { $0.faults(report.faults) }
        json.object("job") { json in
            json.field("hot_standby", report.job.hotStandby)
            json.field("memory_bytes", report.job.memory)
            json.field("standby_memory_bytes", report.job.standbyMemory)
        }
        json.field("max", report.max)
        json.objects("oses", report.oses) { json, os in
            json.field("fits", os.fits)
            json.key("limit")
            write(os.limit, into: &json)
            json.field("machine", os.machine)
            json.field("os", os.os)
            json.objects("worse", os.worse) { json, w in
                json.field("case", w.id)
                json.field("shortfall_bytes", w.shortfall)
                json.field("shortfall_today_bytes", w.shortfallToday)
            }
            json.field("worse_count", os.worseCount)
            // One OS at a time: a fleet has thousands.
            json.flush(to: &out)
        }
        json.object("summary") { writeSummary(report.summary, into: &$0) }
        json.field("total_fits", report.totalFits)
        json.finish(to: &out)
    }

    private static func write(_ limit: HeadroomLimit, into json: inout JSONWriter) {
        json.beginObject()
        switch limit {
        case .start(let machine, let os, let job, let needed, let available):
            json.field("available_bytes", available)
            json.field("job", job)
            json.field("machine", machine)
            json.field("needed_bytes", needed)
            json.field("os", os)
            json.field("reason", limit.reason)
            json.field("short_bytes", needed - available)
        case .uncovered(let id, let newCase, let coveredToday, let shortOn, let shortfall, let unrecoverable):
            json.field("case", id)
            json.field("covered_today", orNull: coveredToday)
            json.field("new_case", newCase)
            json.field("reason", limit.reason)
            json.field("short_on", orNull: shortOn)
            json.field("shortfall_bytes", shortfall)
            json.field("unrecoverable_job", orNull: unrecoverable?.job)
            json.field("unrecoverable_reason", orNull: unrecoverable?.reason.spelling)
            json.field("unrecoverable_standby", orNull: unrecoverable?.reason.standby)
        case .max, .noStandby, .tooLarge:
            json.field("reason", limit.reason)
        }
        json.endObject()
    }

    private static func writeSummary(_ summary: HeadroomSummary, into json: inout JSONWriter) {
        json.field("at_max", summary.atMax)
        json.objects("no_room", summary.blocked) { json, g in
            json.strings("first", g.first)
            json.field("oses", g.count)
            json.field("reason", g.block.rawValue)
        }
        json.field("oses", summary.oses)
        json.field("total_fits", summary.totalFits)
        json.field("with_room", summary.withRoom)
        json.field("without_room", summary.withoutRoom)
        json.field("worse_cases", summary.worseCases)
        json.field("worse_oses", summary.worseOSes)
    }
}
