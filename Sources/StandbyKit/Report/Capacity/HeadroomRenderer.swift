/// Stage: a ``HeadroomReport`` → a report (`standby headroom`).
///
/// - `text`: the fleet's total and the shape first, then one line per active
///   OS: how many more fit and why the next one does not; names escaped for
///   the terminal.
/// - `markdown`: the same as a table.
/// - `json`: `schemas/headroom.schema.json`, `format_version` 1.0, sorted
///   keys, sizes in bytes.
///
/// Output is one line (or row, or object) per active OS: linear in the spec.
public enum HeadroomRenderer {
    public static func render(
        _ report: HeadroomReport, format: OutputFormat, unit: Size.Unit = .auto, to out: inout some TextOutputStream
    ) {
        switch format {
        case .json: renderJSON(report, to: &out)
        case .markdown: renderMarkdown(report, unit: unit, to: &out)
        default: renderText(report, unit: unit, to: &out)
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

    /// The fleet's total, with what it is not.
    static func total(_ report: HeadroomReport, unit: Size.Unit) -> Words {
        let count = report.oses.count
        return
            "\(report.totalFits) more \(shape(report.job, unit: unit)) in all (\(count) active OS\(count == 1 ? "" : "es"), "
            + "each considered alone: the OSes of one machine share its pool, so the counts do not add up to one placement)"
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
                words += " \(name: unrecoverable) cannot be brought back"
            }
            return words
        case .max: return "not tried"
        case .noStandby: return "no standby"
        case .tooLarge: return "the copies of its machine's hot-standby jobs would pass 8 EiB"
        }
    }

    // MARK: - Text

    static func renderText(_ report: HeadroomReport, unit: Size.Unit, to out: inout some TextOutputStream) {
        let quote = { (text: String) in TerminalText.escaped(text) }
        out.write("headroom: " + total(report, unit: unit).rendered(quote) + "\n")
        for os in report.oses {
            out.write("\(quote(os.machine))/\(quote(os.os)): " + answer(os, report: report, unit: unit).rendered(quote) + "\n")
        }
    }

    // MARK: - Markdown

    static func renderMarkdown(_ report: HeadroomReport, unit: Size.Unit, to out: inout some TextOutputStream) {
        let quote = { (text: String) in CompileRenderer.markdown(text) }
        out.write("### standby headroom: \(shape(report.job, unit: unit))\n\n")
        out.write(total(report, unit: unit).rendered(quote).capitalizedFirst + ".\n\n")
        out.write("| machine | OS | fits | the next one |\n|---|---|---:|---|\n")
        for os in report.oses {
            let next: Words
            switch os.limit {
            case .max: next = "not tried (--max \(report.max))"
            case .noStandby: next = "no standby for hot-standby jobs"
            default: next = why(os.limit, unit: unit)
            }
            out.write("| \(quote(os.machine)) | \(quote(os.os)) | \(os.fits) | \(next.rendered(quote)) |\n")
        }
    }

    // MARK: - JSON

    static func renderJSON(_ report: HeadroomReport, to out: inout some TextOutputStream) {
        var json = JSONWriter()
        json.beginObject()
        json.key("faults")
        json.beginArray()
        for kind in report.faults { json.string(kind.rawValue) }
        json.endArray()
        json.field("format_version", jsonFormatVersion)
        json.key("job")
        json.beginObject()
        json.field("hot_standby", report.job.hotStandby)
        json.field("memory_bytes", report.job.memory)
        json.field("standby_memory_bytes", report.job.standbyMemory)
        json.endObject()
        json.field("max", report.max)
        json.key("oses")
        json.beginArray()
        for os in report.oses {
            json.beginObject()
            json.field("fits", os.fits)
            json.key("limit")
            write(os.limit, into: &json)
            json.field("machine", os.machine)
            json.field("os", os.os)
            json.endObject()
            // One OS at a time: a fleet has thousands.
            json.flush(to: &out)
        }
        json.endArray()
        json.field("total_fits", report.totalFits)
        json.endObject()
        json.flush(to: &out)
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
            json.key("covered_today")
            if let coveredToday { json.bool(coveredToday) } else { json.null() }
            json.field("new_case", newCase)
            json.field("reason", limit.reason)
            json.key("short_on")
            if let shortOn { json.string(shortOn) } else { json.null() }
            json.field("shortfall_bytes", shortfall)
            json.key("unrecoverable_job")
            if let unrecoverable { json.string(unrecoverable) } else { json.null() }
        case .max, .noStandby, .tooLarge:
            json.field("reason", limit.reason)
        }
        json.endObject()
    }
}
