import ArgumentParser
import StandbyKit

/// What `standby place` writes: a report, or the spec with the placement.
enum PlaceFormat: String, SpecFormat {
    case text, json, markdown, yaml, diff

    static var allValueDescriptions: [String: String] {
        [
            "text": purpose(.text), "json": purpose(.json), "markdown": purpose(.markdown),
            "yaml": "the spec with the new standbys and the least memory that covers every case",
            "diff": "a unified diff of that change (patch -p1, git apply)",
        ]
    }

    var writesSpec: Bool { self == .yaml || self == .diff }

    static let notTheSpec = "a report"
    static let formatHelp = "Output format (default: from -o's extension, else text; yaml with --in-place)."
    static let outputHelp = "Write to this file (whole or not at all); '-' for standard output."
    static let inPlaceHelp = "Rewrite the spec file itself with the placement (whole or not at all)."

    /// .yaml and .yml mean yaml, .diff and .patch diff, .json, .md and .txt
    /// their reports; without any, text (yaml with --in-place).
    static func implied(byExtension ext: String) -> PlaceFormat? {
        switch ext {
        case "yaml", "yml": .yaml
        case "diff", "patch": .diff
        case "json": .json
        case "md", "markdown": .markdown
        case "txt", "text": .text
        default: nil
        }
    }

    static func fallback(inPlace: Bool) -> PlaceFormat { inPlace ? .yaml : .text }
}

/// `standby place`: the standby of every active OS chosen so that the fleet
/// needs the least memory (docs/placement.md).
struct PlaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Choose every active OS's standby so that the fleet needs the least memory.",
        discussion: """
            Chooses, for every active OS with a 'standby:', a standby OS of the fleet (jobs' own \
            'standby:' stay), minimizing first the cases no memory can cover, then the fleet's \
            fluid total, then the references changed. Every assignment is scored by the planner. \
            The answer is proven optimal on small fleets; otherwise the report gives the gap to a \
            proven lower bound. yaml, diff, -o with a .yaml or .diff name, and --in-place write \
            the spec with the new references and the least memory raise that leaves no case short \
            (with --reclaim, the least layout), as fix writes it. Exits 0 when every case is \
            covered after, 2 when some case no assignment covers (or a value could not be \
            written), 1 when the spec has errors or no standby OS.
            """)

    @OptionGroup var spec: SpecArgument

    @OptionGroup var target: SpecOutputOptions<PlaceFormat>

    @Option(
        help: ArgumentHelp(
            "The most seconds the search may take, above 0 and at most \(Int(Self.maxSeconds)) (default 10); its work budget is derived from it, so the answer does not depend on the machine's speed.",
            valueName: "seconds"))
    var timeLimit: String = "10"

    @Flag(help: "With yaml, diff or --in-place: write the least layout (standbys at their minimum, machines at their fluid total) instead of only raising what is short.")
    var reclaim = false

    @Option(help: "Unit for sizes in text and Markdown (JSON is always bytes).")
    var unit: Size.Unit = .auto

    @OptionGroup var input: InputOptions

    static let maxSeconds = 3600.0

    /// `--time-limit` in seconds; a usage error unless a number above 0.
    func seconds() throws -> Double {
        guard let value = Double(timeLimit), value.isFinite, value > 0 else {
            throw ValidationError("--time-limit must be a number of seconds above 0, not '\(timeLimit)'")
        }
        guard value <= Self.maxSeconds else {
            throw ValidationError("--time-limit must be at most \(Int(Self.maxSeconds)) seconds")
        }
        return value
    }

    func validate() throws {
        _ = try seconds()
        let format = try target.validate(spec: spec.path)
        if reclaim && !format.writesSpec {
            throw ValidationError("--reclaim changes the spec written by yaml, diff or --in-place")
        }
    }

    func run() throws {
        let started = ContinuousClock.now
        let seconds = try seconds()
        let format = try target.resolve()
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            let (read, decoded) = try spec.decoded(
                input, inPlace: target.inPlace, failing: "\(spec.shown) has errors; nothing written")
            let source = read.source
            keepUntilExit(decoded)
            // The search stops at three quarters of the limit, leaving the rest
            // for planning the answer again and writing it.
            let deadline = started + .milliseconds(Int(seconds * 750))
            let result: Placement.Result
            switch Placement.place(decoded, timeLimit: seconds, deadline: deadline) {
            case .success(let r): result = r
            case .failure(.spec(let errors)):
                throw input.specErrors(errors, in: source, "\(source.path) has errors; nothing written")
            case .failure(.noStandby):
                throw CommandFailure(
                    .specErrors,
                    "\(source.path) has no standby OS, so there is no standby to choose; add an OS with 'role: standby'")
            case .failure(.mismatch(let what)):
                throw CommandFailure(.specErrors, "the placement could not be proven: planned again, \(what) differ; nothing written")
            }
            let covered = result.placed.uncoverableCases == 0
            guard format.writesSpec else {
                try writeOutput(target.output, inputs: read.identities) { out in
                    PlacementRenderer.render(result, path: source.path, format: format.reportFormat, unit: unit, to: &out)
                }
                return covered ? .ok : .uncovered
            }
            let written = PlacementWriter.write(result, original: decoded, source: source.bytes, reclaim: reclaim)
            let text: [UInt8]
            if format == .diff {
                text = specPatch(spec.path, source: source.bytes, splices: written.splices)
            } else {
                text = written.text
            }
            if target.inPlace {
                _ = try InPlace.replace(spec.path, read: read, with: text)
            } else {
                try writeOutput(target.output, inputs: read.identities) { out in text.withUnsafeBytes { out.write(utf8: $0) } }
            }
            messages(result, written, path: source.path)
            let complete = written.left.isEmpty && (written.edited?.left.isEmpty ?? false) && written.covered
            return covered && complete ? .ok : .uncovered
        }
    }

    /// What a written placement says on standard error: the answer, the
    /// references left to write, and the memory change as `fix` says it.
    func messages(_ result: Placement.Result, _ written: PlacementWriter.Written, path: String) {
        var err = StandardError()
        for line in PlacementRenderer.summary(result, unit: unit) { err.write("standby: " + line + "\n") }
        for l in written.left {
            err.write(
                TerminalText.escaped("standby: warning: \(l.change.target) not written (\(l.reason)): set it to \(l.change.to)")
                    + "\n")
        }
        if let advice = written.advice, let edited = written.edited {
            for line in FixMessages.lines(advice, edited, path: path) { err.write(line + "\n") }
        }
    }
}

extension PlaceFormat {
    /// The report of this name (text for yaml and diff, which write none).
    var reportFormat: OutputFormat { OutputFormat(rawValue: rawValue) ?? .text }
}
