/// Which states of each machine's start-up a compile report shows (`--states`).
public enum StateSelection: String, CaseIterable, Sendable {
    /// Only the table after the last job started (the initial one when no job starts).
    case final
    /// The initial table, then the table after each job start.
    case all
}

/// Stage: compiled resource tables → a report (`standby compile`).
///
/// Formats:
/// - `text`: per machine a heading line, then per state a line naming the state
///   and its event, and an aligned table `region  size  owner  on fault` with
///   sizes in the chosen unit, right-aligned, and their sum under a rule.
/// - `markdown`: a `##` heading per machine, a `###` heading per state, and the
///   table exactly as docs/model.md writes it (`| region | size | owner | on fault |`).
/// - `json`: the stable compile document (`format_version` 1.0, described by
///   `schemas/compile.schema.json`); sizes in bytes, keys sorted.
/// - `csv`: RFC 4180, header `machine,state,region,kind,size_bytes,owner,on_fault`,
///   one record per region per state; sizes in bytes.
/// - `html`: compile has no HTML report; the command line rejects it, and this
///   renderer writes the Markdown report for it rather than failing.
///
/// States are labelled as docs/model.md labels them: A for the initial table, B after
/// the first job start, and so on; after Z come AA, AB, … (as spreadsheet columns
/// are named). A state keeps its label when only the final state is shown.
///
/// Output is deterministic: the same compiled spec, format, selection and unit
/// always give the same bytes. Every writer streams: at most one state's rows are
/// held at a time.
public enum CompileRenderer {
    /// Writes the start-up tables of `compiled` in `format`: the states
    /// `states` selects, sizes in `unit` (text and Markdown; JSON and CSV
    /// write bytes).
    public static func render(
        _ compiled: CompiledSpec, format: OutputFormat, states: StateSelection, unit: Size.Unit,
        to out: inout some TextOutputStream
    ) {
        switch format {
        case .text: renderText(compiled, states: states, unit: unit, to: &out)
        case .markdown, .html: renderMarkdown(compiled, states: states, unit: unit, to: &out)
        case .json: renderJSON(compiled, states: states, to: &out)
        case .csv: renderCSV(compiled, states: states, to: &out)
        }
    }

    /// The label of the state at `index` (0 is the initial state): A … Z, AA … AZ,
    /// BA … ZZ, AAA, …
    public static func stateLabel(_ index: Int) -> String {
        // Bijective base 26: there is no zero digit, so Z is followed by AA.
        var n = max(0, index) + 1
        var letters: [Character] = []
        while n > 0 {
            n -= 1
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(n % 26))))
            n /= 26
        }
        return String(letters.reversed())
    }

    // MARK: - States shown

    /// One state as a report shows it.
    struct ShownState {
        /// Position among all states of the machine (0: initial).
        var index: Int
        var state: TableState
        /// The OS the job started on; `nil` for the initial state.
        var os: String?

        var label: String { CompileRenderer.stateLabel(index) }
    }

    /// Calls `body` with each selected state of `machine`, one at a time, so that
    /// `--states all` never holds more than one table in memory.
    static func forEachState(
        of machine: CompiledMachine, _ selection: StateSelection, _ body: (ShownState) -> Void
    ) {
        func osName(_ step: StartStep) -> String? {
            machine.machine.oses.indices.contains(step.os) ? machine.machine.oses[step.os].name : nil
        }
        // The steps are rebuilt on each read of `machine.steps`: read them once.
        let steps = machine.steps
        switch selection {
        case .final:
            let os = steps.last.flatMap(osName)
            body(ShownState(index: steps.count, state: machine.finalState(steps: steps), os: os))
        case .all:
            for (index, state) in machine.states.enumerated() {
                let os = index == 0 ? nil : osName(steps[index - 1])
                body(ShownState(index: index, state: state, os: os))
            }
        }
    }

    /// `start B on active (active expanded by 32 MiB from the pool)`, or `initial`.
    static func eventDescription(_ shown: ShownState, unit: Size.Unit) -> String {
        var text = shown.state.event.description
        guard case .start = shown.state.event, let os = shown.os else { return text }
        text += " on \(os)"
        if shown.state.expansion > 0 {
            text += " (\(os) expanded by \(Size.format(shown.state.expansion, unit: unit)) from the pool)"
        }
        return text
    }

    /// One unit for a column of a table's sizes, which are the spec's allocations
    /// and what start-up made of them: with `--unit auto` the unit that shows each
    /// exactly (`0` for an empty region).
    static func columnScale(_ sizes: [Int], unit: Size.Unit) -> Size.Scale {
        unit == .auto ? Size.exactScale(for: sizes) : Size.scale(for: sizes, unit: unit)
    }

    /// `256 MiB, monitor 32 MiB, granule 1 MiB` (and the reserve when there is one).
    /// The sizes are the spec's own values: with `--unit auto` they share one
    /// unit that states each exactly (`27008 MiB, monitor 4096 MiB`). The
    /// granule is an allocation unit, not an amount, so it is always shown in
    /// the unit that states it exactly.
    static func machineSummary(_ machine: Machine, unit: Size.Unit) -> String {
        let scale = columnScale([machine.memory, machine.monitor, machine.reserve], unit: unit)
        var text = "\(scale.format(machine.memory)), monitor \(scale.format(machine.monitor))"
        text += ", granule \(Size.describe(machine.granule))"
        if machine.reserve > 0 {
            text += ", reserve \(scale.format(machine.reserve))"
        }
        return text
    }

    // MARK: - Text

    static func renderText(
        _ compiled: CompiledSpec, states: StateSelection, unit: Size.Unit, to out: inout some TextOutputStream
    ) {
        forEachShownState(compiled, states, to: &out) { machine, out in
            out.write("machine \(machine.name): \(machineSummary(machine.machine, unit: unit))\n")
        } state: { shown, out in
            out.write("\nstate \(shown.label): \(eventDescription(shown, unit: unit))\n")
            writeTextTable(shown.state.regions, unit: unit, to: &out)
        }
    }

    /// Walks the machines and their selected states for the text and Markdown
    /// views, which separate machines by a blank line: `machine` writes each
    /// machine's heading, `state` each state shown.
    private static func forEachShownState<Out: TextOutputStream>(
        _ compiled: CompiledSpec, _ states: StateSelection, to out: inout Out,
        machine: (CompiledMachine, inout Out) -> Void, state: (ShownState, inout Out) -> Void
    ) {
        var first = true
        for m in compiled.machines {
            if !first { out.write("\n") }
            first = false
            machine(m, &out)
            forEachState(of: m, states) { shown in state(shown, &out) }
        }
    }

    /// The aligned table of one state. Widths come from this state's rows alone,
    /// so the table can be written without looking at any other state.
    static func writeTextTable(_ regions: [Region], unit: Size.Unit, to out: inout some TextOutputStream) {
        // Regions add up to the machine's memory, which fits in an Int; wrapping
        // addition only keeps a hand-built, inconsistent table from trapping.
        let totalBytes = regions.reduce(0) { $0 &+ $1.size }
        let scale = columnScale(regions.map(\.size) + [totalBytes], unit: unit)
        let sizes = regions.map { scale.format($0.size) }
        let total = scale.format(totalBytes)
        var nameWidth = "region".count
        var sizeWidth = max("size".count, total.count)
        var ownerWidth = "owner".count
        for (region, size) in zip(regions, sizes) {
            nameWidth = max(nameWidth, region.name.count)
            sizeWidth = max(sizeWidth, size.count)
            ownerWidth = max(ownerWidth, region.owner.count)
        }
        func row(_ name: String, _ size: String, _ owner: String, _ onFault: String) -> String {
            "  " + pad(name, nameWidth) + "  " + padLeft(size, sizeWidth) + "  " + pad(owner, ownerWidth) + "  "
                + onFault + "\n"
        }
        out.write(row("region", "size", "owner", "on fault"))
        for (region, size) in zip(regions, sizes) {
            out.write(row(region.name, size, region.owner, region.onFault))
        }
        let indent = String(repeating: " ", count: 2 + nameWidth + 2)
        out.write(indent + String(repeating: "-", count: sizeWidth) + "\n")
        out.write(indent + padLeft(total, sizeWidth) + "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : String(repeating: " ", count: width - count) + text
    }

    // MARK: - Markdown

    static func renderMarkdown(
        _ compiled: CompiledSpec, states: StateSelection, unit: Size.Unit, to out: inout some TextOutputStream
    ) {
        forEachShownState(compiled, states, to: &out) { machine, out in
            out.write("## Machine \(markdown(machine.name))\n\n")
            out.write("Memory \(markdown(machineSummary(machine.machine, unit: unit))).\n")
        } state: { shown, out in
            out.write("\n### State \(shown.label): \(markdown(eventDescription(shown, unit: unit)))\n\n")
            out.write("| region | size | owner | on fault |\n|---|---|---|---|\n")
            let scale = columnScale(shown.state.regions.map(\.size), unit: unit)
            for region in shown.state.regions {
                let size = scale.format(region.size)
                out.write(
                    "| \(markdown(region.name)) | \(size) | \(markdown(region.owner)) | \(markdown(region.onFault)) |\n")
            }
        }
    }

    /// `text` safe inside a Markdown heading or table cell.
    ///
    /// Valid names hold only letters, digits, `.`, `_`, `-` (and `/` in a
    /// reference), which Markdown leaves alone where they appear (an underscore
    /// inside a word is never emphasis), so they pass unchanged. Any other ASCII
    /// punctuation is backslash-escaped, and line breaks, which would end the
    /// table row, become spaces; only a spec built by hand can hold those.
    static func markdown(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsMarkdownEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result.append(" ")
            } else if needsMarkdownEscape(scalar) {
                result.append("\\")
                result.unicodeScalars.append(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsMarkdownEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F: true
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: !safeInMarkdown.contains(scalar)
        default: false
        }
    }

    /// Punctuation that names, references and the report's own sentences use and
    /// that Markdown leaves alone there.
    private static let safeInMarkdown: Set<Unicode.Scalar> = [".", "_", "-", "/", ",", "(", ")", ":"]

    // MARK: - JSON

    /// `threads`: how many write machines at once (the final states only).
    static func renderJSON(
        _ compiled: CompiledSpec, states: StateSelection, threads: Int? = nil, to out: inout some TextOutputStream
    ) {
        var json = JSONWriter.report()
        json.key("machines")
        json.beginArray()
        let machines = compiled.machines
        if states == .final {
            // One table per machine: a few machines' tables are held at once.
            json.writeElementsInParallel(
                machines.count, threads: threads ?? parallelThreads(for: compiled.spec), flush: { $0.flush(to: &out) }
            ) { m, _, writer, flush in
                writeMachineJSON(machines[m], states: .final, into: &writer, flush: flush)
            }
        } else {
            // A machine's states may be thousands of tables: one thread, one
            // region at a time.
            for machine in machines {
                writeMachineJSON(machine, states: states, into: &json) { $0.flush(to: &out) }
            }
        }
        json.endArray()
        json.field("state_selection", states.rawValue)
        json.finish(to: &out)
    }

    /// One machine and its selected states; `flush` is called after each region.
    static func writeMachineJSON(
        _ machine: CompiledMachine, states: StateSelection, into json: inout JSONWriter,
        flush: (inout JSONWriter) -> Void
    ) {
        let spec = machine.machine
        json.beginObject()
        var scalars = SortedJSONScalars([
            ("granule_bytes", .int(spec.granule)), ("memory_bytes", .int(spec.memory)),
            ("monitor_bytes", .int(spec.monitor)), ("name", .string(machine.name)), ("reserve_bytes", .int(spec.reserve)),
        ])
        scalars.write(upTo: "states", into: &json)
        json.beginArray()
        forEachState(of: machine, states) { shown in
            json.beginObject()
            json.field("event", shown.state.event.description)
            json.field("expansion_bytes", shown.state.expansion)
            json.field("index", shown.index)
            if case .start(let job) = shown.state.event {
                json.field("job", job)
            }
            json.field("label", shown.label)
            if let os = shown.os {
                json.field("os", os)
            }
            json.regions("regions", shown.state.regions, afterEach: flush)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    // MARK: - CSV

    /// The header of the compile CSV export (the stable output contract).
    public static let csvHeader = ["machine", "state", "region", "kind", "size_bytes", "owner", "on_fault"]

    static func renderCSV(_ compiled: CompiledSpec, states: StateSelection, to out: inout some TextOutputStream) {
        var csv = CSVWriter()
        csv.row(csvHeader, to: &out)
        for machine in compiled.machines {
            forEachState(of: machine, states) { shown in
                let event = shown.state.event.description
                for region in shown.state.regions {
                    csv.field(machine.name)
                    csv.field(event)
                    csv.regionFields(region)
                    csv.endRow(to: &out)
                }
            }
        }
    }
}

extension JSONWriter {
    /// A member `key` holding `regions` as the exports spell them (`kind`, `name`,
    /// `on_fault`, `owner`, `size_bytes`), flushed to `out` region by region: the
    /// one layout of a region in compile, plan and case JSON.
    mutating func regions(_ key: String, _ regions: [Region], flushingTo out: inout some TextOutputStream) {
        self.regions(key, regions) { $0.flush(to: &out) }
    }

    /// A list of regions; `afterEach` is called after each one.
    mutating func regions(_ key: String, _ regions: [Region], afterEach: (inout JSONWriter) -> Void) {
        self.key(key)
        beginArray()
        for region in regions {
            beginObject()
            field("kind", region.kind.rawValue)
            field("name", region.name)
            field("on_fault", region.onFault)
            field("owner", region.owner)
            field("size_bytes", region.size)
            endObject()
            afterEach(&self)
        }
        endArray()
    }
}

extension CSVWriter {
    /// A region's columns as every CSV export ends its rows with them:
    /// `region,kind,size_bytes,owner,on_fault`.
    mutating func regionFields(_ region: Region) {
        field(region.name)
        field(region.kind.rawValue)
        field(region.size)
        field(region.owner)
        field(region.onFault)
    }
}
