import ArgumentParser
import StandbyKit

extension HeadroomDetail: ExpressibleByArgument {}

/// `standby headroom SPEC --job SIZE`: how many more jobs of one shape each
/// active OS can take (docs/headroom.md).
struct HeadroomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headroom",
        abstract: "Count how many more jobs of one shape each active OS can take, every case still covered.",
        discussion: """
            For each active OS, adds jobs of the shape one by one after its jobs and reports \
            how many start while every case covered today stays covered and the new jobs' own \
            cases are covered, and why the next one does not fit. Each OS is considered alone: \
            the OSes of one machine share its pool, so the counts do not add up to one placement. \
            The report leads with a summary: the totals, the OSes that take nothing more grouped \
            by why, and the cases not covered today that the new jobs leave shorter (they do not \
            stop the count). Exits 0 with the answer, 1 when the spec has errors.
            """)

    @OptionGroup var spec: SpecArgument

    @Option(help: ArgumentHelp("Each new job's memory (a size, as in the spec: 512Mi, 1Gi).", valueName: "size"))
    var job: String

    @Flag(help: "The new jobs are hot-standby, failing over to their OS's standby.")
    var hot = false

    @Option(help: ArgumentHelp("What a hot-standby job's copy needs (default: --job).", valueName: "size"))
    var standbyMemory: String?

    @Option(help: ArgumentHelp("The most jobs tried per OS, 1 to \(Headroom.maxAllowedMax).", valueName: "n"))
    var max: Int = Headroom.defaultMax

    @OptionGroup var format: FormatOption<BasicFormat>

    @Option(
        help: ArgumentHelp(
            "How much follows the summary in text and Markdown: summary, or oses (also a line per active OS: "
                + "how many fit, why the next does not, the cases it leaves shorter); default: oses for one "
                + "machine, summary for more. JSON has every OS.",
            valueName: "level"))
    var detail: HeadroomDetail?

    @OptionGroup var faultOptions: FaultOptions<SpecFaultsDefault>

    @OptionGroup var output: OutputOptions
    @OptionGroup var input: InputOptions

    /// The most `--max` may be: the work is at most `--max` counts per active
    /// OS, each O(its jobs), so at most `--max` × the spec (docs/headroom.md, "Cost").
    static let maxLimit = Headroom.maxAllowedMax

    /// The shape the options name; a usage error for a size that is not one.
    func shape() throws -> NewJob {
        let memory = try Self.size(job, option: "--job")
        guard memory > 0 else { throw ValidationError("--job must be above 0") }
        guard let standbyMemory else { return NewJob(memory: memory, hotStandby: hot) }
        guard hot else { throw ValidationError("--standby-memory is for hot-standby jobs: add --hot") }
        return NewJob(memory: memory, hotStandby: true, standbyMemory: try Self.size(standbyMemory, option: "--standby-memory"))
    }

    /// A size read with the spec's own parser.
    static func size(_ text: String, option: String) throws -> Int {
        switch Quantity.parse(text) {
        case .success(let bytes): return bytes
        case .failure(.syntax(let hint)):
            throw ValidationError("\(option): '\(text)' is not a size; \(hint.map { $0 + "; " } ?? "")\(Quantity.acceptedForms)")
        case .failure(.negative): throw ValidationError("\(option) cannot be negative: '\(text)'")
        case .failure(.tooLarge): throw ValidationError("\(option): '\(text)' is larger than the largest size, \(Int.max) bytes")
        case .failure(.fractionalBytes): throw ValidationError("\(option): '\(text)' is not a whole number of bytes")
        }
    }

    func validate() throws {
        _ = try format.resolve(output)
        _ = try faultOptions.kinds()
        _ = try shape()
        guard (1...Self.maxLimit).contains(max) else {
            throw ValidationError("--max must be from 1 to \(Self.maxLimit)")
        }
    }

    func run() throws {
        let format = try format.resolve(output).outputFormat
        let kinds = try faultOptions.kinds()
        let shape = try shape()
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            let (compiled, read) = try compileSpec(spec.path, input: input)
            let report = Headroom.check(compiled, job: shape, max: max, faults: kinds)
            keepUntilExit(compiled)
            try output.write(inputs: read) { out in
                HeadroomRenderer.render(
                    report, format: format, unit: output.unit, detail: detail, machines: compiled.machines.count, to: &out)
            }
            return .ok
        }
    }
}
