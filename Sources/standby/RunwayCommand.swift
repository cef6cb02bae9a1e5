import ArgumentParser
import StandbyKit

/// The formats of `runway`.
enum RunwayFormat: String, ReportFormat {
    case text, json, markdown, csv
}

/// `standby runway SPEC --growth RATE`: how many periods each machine lasts
/// while its jobs grow (docs/runway.md).
struct RunwayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runway",
        abstract: "Tell how long each machine lasts as its jobs grow, and the memory that lasts the horizon.",
        discussion: """
            Grows every job's memory and standby_memory by --growth a period (a job's own \
            'growth:' overrides it), rounding up, and plans each period up to --horizon. A \
            machine runs out at the first period at which one of its jobs cannot start or a case \
            leaves a shortfall on its pool or standbys (cases no memory can cover are left \
            aside), even when a later period passes. Reports, per machine, that period and why, \
            and the least memory, never below today's, that lasts every period. --fix writes \
            that memory into the spec as 'standby fix' does (comments kept). Exits 0 when every \
            machine lasts the horizon, 2 when some runs out within it, 1 when the spec has errors.
            """)

    @OptionGroup var spec: SpecArgument

    @Option(help: ArgumentHelp("Each job's growth per period: a percentage, 0% to 1000%, at most two decimals (2%, 0.5%).", valueName: "rate"))
    var growth: String

    @Option(help: ArgumentHelp("How many periods to look ahead, 1 to \(RunwayQuestion.maxHorizon).", valueName: "n"))
    var horizon: Int = 36

    @Option(help: ArgumentHelp("What a period is called in the report (a name only).", valueName: "name"))
    var period: String = "month"

    @OptionGroup var format: FormatOption<RunwayFormat>

    @Flag(help: "Write the spec with each machine's memory for the horizon instead of the report (as 'standby fix' writes it).")
    var fix = false

    @Flag(help: "With --fix: rewrite the spec file itself (whole or not at all).")
    var inPlace = false

    @OptionGroup var faultOptions: FaultOptions<SpecFaultsDefault>

    @OptionGroup var output: OutputOptions
    @OptionGroup var input: InputOptions

    /// The rate `--growth` names; a usage error for anything else.
    func rate() throws -> GrowthRate {
        switch GrowthRate.parse(growth) {
        case .success(let rate): return rate
        case .failure(.syntax):
            throw ValidationError("--growth: '\(TerminalText.escaped(growth))' is not a percentage; write it as 2% or 0.5%")
        case .failure(.negative): throw ValidationError("--growth cannot be negative: '\(TerminalText.escaped(growth))'")
        case .failure(.tooLarge): throw ValidationError("--growth is at most 1000%: '\(TerminalText.escaped(growth))'")
        case .failure(.tooPrecise):
            throw ValidationError("--growth has at most two digits after the point: '\(TerminalText.escaped(growth))'")
        }
    }

    func validate() throws {
        _ = try rate()
        _ = try faultOptions.kinds()
        // The work is (horizon + 1) plannings of the figures: bounded here.
        guard (1...RunwayQuestion.maxHorizon).contains(horizon) else {
            throw ValidationError("--horizon must be from 1 to \(RunwayQuestion.maxHorizon)")
        }
        guard (1...40).contains(period.count), period.allSatisfy({ $0.isLetter || $0 == "-" }) else {
            throw ValidationError("--period is a name of 1 to 40 letters (month, week, quarter)")
        }
        if fix {
            guard format.format == nil else { throw ValidationError("--fix writes the spec; drop --format") }
            if inPlace { try InPlace.validate(spec: spec.path, output: output.output) }
        } else {
            guard !inPlace else { throw ValidationError("--in-place is for --fix") }
            _ = try format.resolve(output)
        }
    }

    func run() throws {
        let question = RunwayQuestion(growth: try rate(), horizon: horizon, period: period)
        let kinds = try faultOptions.kinds()
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            // Decoded only: a job that cannot start today is an answer (the
            // machine runs out at 0), not an error.
            let (read, decoded) = try spec.decoded(input, inPlace: fix && inPlace, failing: "\(spec.shown) has errors")
            let source = read.source
            let runway: Runway
            switch RunwayPlanner.answer(decoded, question, faults: kinds) {
            case .success(let r): runway = r
            case .failure(let error):
                throw input.specErrors(error.diagnostics, in: source, "\(source.path) has errors")
            }
            let status: ExitStatus = runway.runsOutAfter == nil ? .ok : .uncovered
            guard fix else {
                let format = (try? format.resolve(output))?.outputFormat ?? .text
                try output.write(inputs: read.identities) { out in
                    RunwayRenderer.render(runway, format: format, unit: output.unit, to: &out)
                }
                return status
            }
            try writeFix(runway, decoded, read: read)
            return status
        }
    }

    /// `--fix`: the spec with the memory for the horizon, through `fix`'s editor.
    private func writeFix(_ runway: Runway, _ decoded: Spec, read: SpecInput) throws(CommandFailure) {
        let source = read.source
        let advice = RunwayPlanner.advice(runway, for: decoded)
        let edited = SpecEditor.apply(advice, to: source.bytes)
        if inPlace {
            if !advice.machines.isEmpty { _ = try InPlace.replace(spec.path, read: read, with: edited.text) }
        } else {
            try output.write(inputs: read.identities) { out in edited.text.withUnsafeBytes { out.write(utf8: $0) } }
        }
        var err = StandardError()
        let lasts = "lasts the horizon of \(horizon) \(period)\(horizon == 1 ? "" : "s")"
        if advice.machines.isEmpty { err.write("standby: nothing to change: every machine's memory \(lasts)\n") }
        let left = Set(edited.left.map(\.edit))
        let (said, more) = ListCap.cut(advice.machines)
        for change in said {
            var written = change
            written.edits = change.edits.filter { !left.contains($0) }
            guard !written.edits.isEmpty else { continue }
            err.write(written.editsSentence(path: source.path) + (written.edits.count == change.edits.count ? " \(lasts)" : " written") + "\n")
        }
        if more > 0 { err.write(ListCap.leftOut(more, "the written spec has them all", what: "machines changed") + "\n") }
        for l in edited.left {
            err.write(
                TerminalText.escaped(
                    "standby: warning: \(l.edit.target) not written (\(l.reason)): set it to \(Quantity.literal(l.edit.to))")
                    + "\n")
        }
        for machine in runway.machines where machine.memoryForHorizon == nil {
            err.write(TerminalText.escaped("standby: warning: \(machine.name): no memory lasts the horizon (past 8 EiB)") + "\n")
        }
    }
}
