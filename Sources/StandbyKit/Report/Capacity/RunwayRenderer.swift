/// Stage: a ``Runway`` → a report (`standby runway`).
///
/// - `text`: the answer first — the fleet's runway and the memory that lasts
///   the horizon — then the machines that run out, the earliest first, each
///   with its reason and its memory for the horizon, at most 20 of them and
///   how many were left out; names escaped for the terminal.
/// - `markdown`: the same under one H2, the machines as a table.
/// - `json`: `schemas/runway.schema.json`, sorted keys, sizes in bytes, every
///   machine.
/// - `csv`: one row per machine.
///
/// Output is one line (or row, or object) per machine at the most: linear in
/// the spec.
public enum RunwayRenderer {
    /// Writes `runway` in `format` (HTML writes the text), sizes in `unit`.
    public static func render(
        _ runway: Runway, format: OutputFormat, unit: Size.Unit = .auto, to out: inout some TextOutputStream
    ) {
        switch format {
        case .json: renderJSON(runway, to: &out)
        case .csv: renderCSV(runway, to: &out)
        case .markdown: renderMarkdown(runway, unit: unit, to: &out)
        default: renderText(runway, unit: unit, to: &out)
        }
    }

    // MARK: - Sentences

    /// `36 months`, `1 month`.
    static func periods(_ n: Int, _ runway: Runway) -> String {
        "\(n) \(runway.question.period)\(n == 1 ? "" : "s")"
    }

    /// The fleet's answer.
    static func headline(_ runway: Runway) -> Words {
        let growth = "jobs growing \(runway.question.growth) a \(runway.question.period)"
        guard let first = runway.runsOutAfter else {
            return "runway: every machine lasts the horizon of \(periods(runway.question.horizon, runway)) (\(growth))"
        }
        let count = runway.first.count
        let when = first == 0 ? "today" : "after \(periods(first, runway))"
        let who = count == 1 ? "1 machine" : "\(count) machines"
        return "runway: \(when) — \(who) run\(count == 1 ? "s" : "") out first (\(growth), horizon \(periods(runway.question.horizon, runway)))"
    }

    /// The memory that lasts the horizon, over the fleet.
    static func total(_ runway: Runway, unit: Size.Unit) -> Words {
        let today = runway.memory
        guard let total = runway.memoryForHorizon else {
            return "memory for the horizon: more than 8 EiB on some machine"
        }
        let scale = Size.scale(for: [today, total], unit: unit)
        return "memory for the horizon: \(scale.format(total)) (today \(scale.format(today)))"
    }

    /// Why a machine runs out.
    static func why(_ limit: RunwayLimit?, unit: Size.Unit) -> Words {
        switch limit {
        case .start(let job, let shortfall)?:
            if job.isEmpty { return "its OSes no longer fit" }
            return "job \(name: job) cannot start, \(Size.format(shortfall, unit: unit)) short"
        case .shortCase(let id, let shortfall)?:
            return "case \(name: id) is \(Size.format(shortfall, unit: unit)) short on it"
        case .tooLarge?: return "a size would pass 8 EiB"
        case nil: return "lasts"
        }
    }

    /// One machine's line after its name.
    static func line(_ machine: MachineRunway, _ runway: Runway, unit: Size.Unit) -> Words {
        var words: Words
        if let t = machine.runsOutAfter {
            words = (t == 0 ? "today" : "after \(periods(t, runway))") + ": " + why(machine.limit, unit: unit)
        } else {
            words = "lasts the horizon"
        }
        words += "; " + memory(machine, unit: unit)
        return words
    }

    /// `memory 256 MiB → 384 MiB lasts the horizon`.
    static func memory(_ machine: MachineRunway, unit: Size.Unit) -> Words {
        guard let m = machine.memoryForHorizon else { return "no memory lasts the horizon (past 8 EiB)" }
        var words: Words
        if m == machine.memory {
            words = "its memory, \(Size.format(m, unit: unit)), lasts the horizon"
        } else {
            let scale = Size.scale(for: [machine.memory, m], unit: unit)
            words = "memory \(scale.format(machine.memory)) → \(scale.format(m)) lasts the horizon"
        }
        for s in machine.standbys {
            let scale = Size.scale(for: [s.from, s.to], unit: unit)
            words += ", with OS \(name: s.name) \(scale.format(s.from)) → \(scale.format(s.to))"
        }
        return words
    }

    // MARK: - Text

    static func renderText(_ runway: Runway, unit: Size.Unit, to out: inout some TextOutputStream) {
        let quote = { (text: String) in TerminalText.escaped(text) }
        out.write(headline(runway).rendered(quote) + "\n")
        out.write(total(runway, unit: unit).rendered(quote) + "\n")
        let running = runway.runningOut
        guard !running.isEmpty else { return }
        out.write("\nrunning out (\(running.count) of \(runway.machines.count) machines, the earliest first):\n")
        let (kept, left) = ListCap.cut(running)
        for machine in kept {
            out.write("  \(quote(machine.name)): " + line(machine, runway, unit: unit).rendered(quote) + "\n")
        }
        if left > 0 { out.write("  " + ListCap.leftOut(left, "`--format json` or `csv` lists every machine") + "\n") }
    }

    // MARK: - Markdown

    static func renderMarkdown(_ runway: Runway, unit: Size.Unit, to out: inout some TextOutputStream) {
        let quote = { (text: String) in CompileRenderer.markdown(text) }
        out.write("## Runway: jobs growing \(runway.question.growth) a \(runway.question.period)\n\n")
        out.write(headline(runway).rendered(quote).capitalizedFirst + ".\n\n")
        out.write(total(runway, unit: unit).rendered(quote).capitalizedFirst + ".\n")
        let running = runway.runningOut
        guard !running.isEmpty else { return }
        out.write("\n### Running out\n\n\(running.count) of \(runway.machines.count) machines, the earliest first.\n\n")
        out.write("| machine | runs out after | why | memory for the horizon |\n|---|--:|---|---|\n")
        let (kept, left) = ListCap.cut(running)
        for machine in kept {
            let t = machine.runsOutAfter.map { periods($0, runway) } ?? ""
            out.write(
                "| \(quote(machine.name)) | \(t) | \(why(machine.limit, unit: unit).rendered(quote)) "
                    + "| \(memory(machine, unit: unit).rendered(quote)) |\n")
        }
        if left > 0 { out.write("\n" + ListCap.leftOut(left, "`--format json` or `csv` lists every machine") + "\n") }
    }

    // MARK: - JSON

    static func renderJSON(_ runway: Runway, to out: inout some TextOutputStream) {
        var json = JSONWriter.report { json in
            json.object("fleet") { json in
                json.strings("first", runway.first.map(\.name))
                json.field("memory_bytes", runway.memory)
                json.field("memory_for_horizon_bytes", orNull: runway.memoryForHorizon)
                json.field("running_out", runway.machines.count { $0.runsOutAfter != nil })
                json.field("runs_out_after", orNull: runway.runsOutAfter)
            }
        }
        json.field("growth", runway.question.growth.description)
        json.field("horizon", runway.question.horizon)
        json.objects("machines", runway.machines) { json, machine in
            json.key("limit")
            write(machine.limit, into: &json)
            json.field("memory_bytes", machine.memory)
            json.field("memory_for_horizon_bytes", orNull: machine.memoryForHorizon)
            json.field("name", machine.name)
            json.field("runs_out_after", orNull: machine.runsOutAfter)
            json.objects("standbys", machine.standbys) { json, s in
                json.field("from_bytes", s.from)
                json.field("name", s.name)
                json.field("to_bytes", s.to)
            }
            // One machine at a time: a fleet has thousands.
            json.flush(to: &out)
        }
        json.field("period", runway.question.period)
        json.finish(to: &out)
    }

    private static func write(_ limit: RunwayLimit?, into json: inout JSONWriter) {
        guard let limit else {
            json.null()
            return
        }
        json.beginObject()
        switch limit {
        case .start(let job, _):
            json.field("job", orNull: job.isEmpty ? nil : job)
        case .shortCase(let id, _):
            json.field("case", id)
        case .tooLarge:
            break
        }
        json.field("kind", limit.kind)
        json.field("shortfall_bytes", limit.shortfall)
        json.endObject()
    }

    // MARK: - CSV

    /// `machine,runs_out_after,limit,case_or_job,shortfall_bytes,memory_bytes,memory_for_horizon_bytes`;
    /// an empty field where the JSON has `null`.
    static func renderCSV(_ runway: Runway, to out: inout some TextOutputStream) {
        var csv = CSVWriter()
        csv.row(
            [
                "machine", "runs_out_after", "limit", "case_or_job", "shortfall_bytes", "memory_bytes",
                "memory_for_horizon_bytes",
            ], to: &out)
        for machine in runway.machines {
            let subject: String
            switch machine.limit {
            case .start(let job, _)?: subject = job
            case .shortCase(let id, _)?: subject = id
            default: subject = ""
            }
            csv.row(
                [
                    machine.name, machine.runsOutAfter.map(String.init) ?? "", machine.limit?.kind ?? "", subject,
                    machine.limit.map { String($0.shortfall) } ?? "", String(machine.memory),
                    machine.memoryForHorizon.map(String.init) ?? "",
                ], to: &out)
        }
    }
}

extension Runway {
    /// The machines that run out first, in document order.
    var first: [MachineRunway] {
        guard let first = runsOutAfter else { return [] }
        return machines.filter { $0.runsOutAfter == first }
    }

    /// Σ memory today (as the reports add it: wrapping, never trapping).
    var memory: Int { machines.reduce(0) { $0 &+ $1.memory } }
}
