import ArgumentParser
import StandbyKit

/// What `standby fix` writes: the spec itself, or the change as a patch.
enum FixFormat: String, SpecFormat {
    case yaml, diff

    static var allValueDescriptions: [String: String] {
        ["yaml": "the spec with the change, as written otherwise", "diff": "a unified diff of the change (patch -p1, git apply)"]
    }

    static let notTheSpec = "a patch"
    static let formatHelp = "Output format (default: diff for a .diff or .patch output, else yaml)."
    static let outputHelp =
        "Write to this file (whole or not at all); '-' for standard output. A .diff or .patch extension means --format diff."
    static let inPlaceHelp = "Rewrite the spec file itself (whole or not at all)."

    /// `.diff` and `.patch` mean diff; without either, the spec.
    static func implied(byExtension ext: String) -> FixFormat? { ext == "diff" || ext == "patch" ? .diff : nil }
    static func fallback(inPlace: Bool) -> FixFormat { .yaml }
}

/// `standby fix`: the spec with the least memory per machine that starts every
/// job and covers every case memory can cover.
struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Write the spec with the least memory that covers every fault.",
        discussion: """
            Raises each short machine's memory (with pool: false, its standbys' allocations \
            first) by the least that starts every job and covers every case memory can cover, \
            editing only those values in the spec's text: comments, order, quoting and anchors \
            stay as written. Each change is printed on standard error. Exits 0 when the result \
            covers every case, 2 when some case stays uncovered because no memory can cover it \
            (listed on standard error) or an edit could not be written (shown instead), and 1 \
            when the spec has errors that no memory fixes (nothing is written). With \
            --reclaim it writes the least layout instead: every standby at its minimum and \
            every machine at its fluid total, raised where short and lowered where memory is \
            to spare.
            """)

    @OptionGroup var spec: SpecArgument

    @OptionGroup var target: SpecOutputOptions<FixFormat>

    @Flag(
        help: ArgumentHelp(
            "Write the least layout: standbys at their minimum and machines at their fluid total, lowering memory that is to spare as well as raising what is short."
        ))
    var reclaim = false

    @OptionGroup var input: InputOptions

    func validate() throws {
        _ = try target.validate(spec: spec.path)
    }

    func run() throws {
        let format = try target.resolve()
        try runCommand { () throws(CommandFailure) -> ExitStatus in
            // Decoded only: an overcommitted machine or a job that cannot start
            // is an error of the spec that the fix itself removes.
            let (read, decoded) = try spec.decoded(
                input, inPlace: target.inPlace, failing: "\(spec.shown) has errors; nothing written")
            let source = read.source
            let advice: Advice
            switch reclaim ? LeastMemory.reclaim(decoded) : LeastMemory.fix(decoded) {
            case .success(let a): advice = a
            case .failure(let error):
                throw input.specErrors(
                    error.diagnostics, in: source, "\(source.path) has errors that no memory fixes; nothing written")
            }
            let edited = SpecEditor.apply(advice, to: source.bytes)
            let text: [UInt8]
            switch format {
            case .yaml: text = edited.text
            case .diff: text = specPatch(spec.path, source: source.bytes, splices: edited.splices)
            }
            if target.inPlace {
                _ = try InPlace.replace(spec.path, read: read, with: text)
            } else {
                do throws(CommandFailure) {
                    try writeOutput(target.output, inputs: read.identities) { out in text.withUnsafeBytes { out.write(utf8: $0) } }
                } catch {
                    // The output is the spec: say how to rewrite it.
                    guard error.status == .usage else { throw error }
                    throw CommandFailure(.usage, "\(error.message); --in-place rewrites the spec itself")
                }
            }
            FixMessages.write(advice, edited, path: source.path)
            return advice.uncoverable.isEmpty && edited.left.isEmpty ? .ok : .uncovered
        }
    }
}

/// The change of the spec named `spec` on the command line as a unified diff,
/// `a/` and `b/` before its relative path as git writes them (`spec.yaml` for
/// standard input).
func specPatch(_ spec: String, source: [UInt8], splices: [SpecEditor.Splice]) -> [UInt8] {
    var name = spec == "-" ? "spec.yaml" : spec
    while name.hasPrefix("/") || name.hasPrefix("./") { name.removeFirst(name.hasPrefix("/") ? 1 : 2) }
    return UnifiedDiff.render(path: name, source: source, splices: splices)
}
