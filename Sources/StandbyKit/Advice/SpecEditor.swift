/// Writes an ``Advice`` into the spec's own text (`standby fix`): each value
/// replaced where it is written, everything else byte for byte as it was.
///
/// Why by hand: no YAML library round-trips a document with its comments,
/// blank lines, key order, quoting, flow style and anchors (libyaml's emitter
/// writes a new document from events and drops comments), and the edits here
/// are a few scalars whose places the decoder already knows.
///
/// - A value written for one machine or OS alone is replaced in place, in the
///   quotes it had, if any.
/// - A value that comes from an anchor other entities use too (its location is
///   theirs as well) is not changed under them: the key is written again in the
///   entity's own mapping, on the line after its `name`, with that line's
///   indentation; an explicit key wins over a merged one wherever it stands.
///   A flow-style mapping (`{…}`) gets no new line: that edit is left, with
///   the reason, for the user to make.
/// - The result is decoded again, and used only when it gives exactly the
///   advised sizes; otherwise every edit is left (and said so).
public enum SpecEditor {
    /// One edit that could not be written into the text, and why.
    public struct Left: Sendable, Hashable {
        public var edit: Advice.Edit
        public var reason: String
    }

    /// The edited text, and the edits left for the user.
    public struct Result: Sendable {
        public var text: [UInt8]
        public var left: [Left]
        /// Line changes in the order of the text (lines as YAML breaks them).
        public var changes: [LineChange]
        /// The same edits as byte splices of the original, in order and
        /// apart: applied to it they give `text` exactly, line breaks and all.
        /// What `--format diff` shows (``UnifiedDiff``).
        public var splices: [Splice]
    }

    /// Bytes `range` of the original replaced by `bytes` (an empty range: `bytes` inserted there).
    public struct Splice: Sendable, Hashable {
        public var range: Range<Int>
        public var bytes: [UInt8]
    }

    /// A change of whole lines: `removed` lines of the original from line
    /// `line` (0-based) are replaced by `added`.
    public struct LineChange: Sendable, Hashable {
        public var line: Int
        public var removed: [String]
        public var added: [String]
    }

    /// Applies every edit of `advice` to `source`, the text its spec was decoded from.
    public static func apply(_ advice: Advice, to source: [UInt8]) -> Result {
        let edits = advice.machines.flatMap(\.edits)
        guard !edits.isEmpty else { return Result(text: source, left: [], changes: [], splices: []) }
        let text = Lines(source)
        let groups = Group.all(edits, in: advice.original)
        // The first choice of every group at once, checked once: the usual case.
        var chosen = groups.map { $0.choices.first }
        if let done = attempt(groups, chosen, text: text, advice: advice, checking: nil) {
            return done
        }
        // Otherwise group by group, each checked on its own values, at most
        // `searched` groups (each check decodes the whole spec again).
        let searched = 32
        var reasons = [String?](repeating: nil, count: groups.count)
        for g in groups.indices {
            chosen[g] = nil
            guard g < searched else {
                reasons[g] = "too many values shared through anchors to check them all; set it by hand"
                continue
            }
            for choice in groups[g].choices {
                chosen[g] = choice
                var prefix = chosen
                for later in groups.indices where later > g { prefix[later] = nil }
                if attempt(groups, prefix, text: text, advice: advice, checking: g) != nil { break }
                chosen[g] = nil
            }
            if chosen[g] == nil { reasons[g] = groups[g].reason }
        }
        if let done = attempt(groups, chosen, text: text, advice: advice, checking: nil, reasons: reasons) {
            return done
        }
        return Result(
            text: source,
            left: edits.map { Left(edit: $0, reason: "the edited spec did not give the advised sizes; set it by hand") },
            changes: [], splices: [])
    }

    /// The text with `chosen` applied (a `nil` choice leaves its group's edits
    /// out), when it decodes to the advised sizes: of group `checking` alone,
    /// or of every value.
    private static func attempt(
        _ groups: [Group], _ chosen: [Group.Choice?], text: Lines, advice: Advice, checking: Int?,
        reasons: [String?] = []
    ) -> Result? {
        var plan = Plan(text: text)
        var left: [Left] = []
        for (g, group) in groups.enumerated() {
            guard let choice = chosen[g], plan.add(group, choice, spec: advice.original) else {
                let reason = g < reasons.count ? reasons[g] : nil
                left += group.edits.map { Left(edit: $0, reason: reason ?? group.reason) }
                continue
            }
        }
        let (bytes, changes, splices) = plan.apply()
        let (decoded, diagnostics) = SpecDecoder.decode(bytes)
        guard let decoded, !diagnostics.hasErrors, decoded.machines.count == advice.original.machines.count,
            decoded.policies == advice.original.policies
        else { return nil }
        if let g = checking {
            for slot in groups[g].slots where slot.read(decoded) != groups[g].wanted(slot) { return nil }
            return Result(text: bytes, left: left, changes: changes, splices: splices)
        }
        var expected = advice.fixed
        for l in left { Slot(machine: l.edit.machine, os: l.edit.os).write(l.edit.from, into: &expected) }
        return sizes(of: decoded) == sizes(of: expected) ? Result(text: bytes, left: left, changes: changes, splices: splices) : nil
    }

    /// Every size of a spec, without names and locations.
    private static func sizes(of spec: Spec) -> [[Int]] {
        spec.machines.map { m in
            [m.memory, m.monitor, m.granule, m.reserve]
                + m.oses.flatMap { os in [os.memory, os.kernel] + os.jobs.flatMap { [$0.memory, $0.standbyMemory] } }
        }
    }
}

extension SpecEditor {
    /// A size the advice may change: a machine's memory, or an OS's.
    struct Slot: Hashable {
        var machine: Int
        var os: Int?

        func read(_ spec: Spec) -> Int {
            os.map { spec.machines[machine].oses[$0].memory } ?? spec.machines[machine].memory
        }

        func write(_ value: Int, into spec: inout Spec) {
            if let os { spec.machines[machine].oses[os].memory = value } else { spec.machines[machine].memory = value }
        }

        func location(_ spec: Spec) -> SourceLocation? {
            os.map { spec.machines[machine].oses[$0].memoryLocation } ?? spec.machines[machine].memoryLocation
        }
    }

    /// The edits whose values are written in one place, and every size that
    /// reads that place (more than one when it is an anchor used again).
    struct Group {
        var location: SourceLocation?
        var edits: [Advice.Edit]
        var slots: [Slot]
        var original: [Slot: Int]

        /// How the group is written: the place's new value (`nil`: unchanged),
        /// and keys added to the mappings of the sizes that must read otherwise.
        struct Choice {
            var inPlace: Int?
            var inserted: [(slot: Slot, value: Int)]
        }

        func wanted(_ slot: Slot) -> Int {
            edits.first { $0.machine == slot.machine && $0.os == slot.os }?.to ?? original[slot] ?? 0
        }

        /// The choices to try, the likeliest first: one value for every reader
        /// written in place; else the place kept and a key added where a value
        /// changes; else the place set to one of the wanted values and a key
        /// added for the others.
        var choices: [Choice] {
            let values = slots.map(wanted)
            let inserts = { (kept: Int?) in
                slots.compactMap { slot -> (slot: Slot, value: Int)? in
                    let value = wanted(slot)
                    return value == (kept ?? original[slot]) ? nil : (slot, value)
                }
            }
            var list: [Choice] = []
            if location != nil, Set(values).count == 1, let v = values.first { list.append(Choice(inPlace: v, inserted: [])) }
            list.append(Choice(inPlace: nil, inserted: inserts(nil)))
            if location != nil {
                for v in Set(values).sorted() where Set(values).count > 1 {
                    list.append(Choice(inPlace: v, inserted: inserts(v)))
                }
            }
            return list
        }

        /// Why the group's edits could not be written.
        var reason: String {
            let value = edits.first.map { Quantity.literal($0.to) } ?? ""
            return "its value comes from an anchor that other entries read too, and no key can be added beside it (a flow-style mapping or an alias); write 'memory: \(value)' there by hand"
        }

        /// The groups of `edits`: one per written place, plus one per edit of a
        /// value that is written nowhere (a default).
        static func all(_ edits: [Advice.Edit], in spec: Spec) -> [Group] {
            var readers: [SourceLocation: [Slot]] = [:]
            var original: [Slot: Int] = [:]
            for (m, machine) in spec.machines.enumerated() {
                for slot in [Slot(machine: m, os: nil)] + machine.oses.indices.map({ Slot(machine: m, os: $0) }) {
                    original[slot] = slot.read(spec)
                    if let at = slot.location(spec) { readers[at, default: []].append(slot) }
                }
            }
            var groups: [Group] = []
            var byLocation: [SourceLocation: Int] = [:]
            for edit in edits {
                let slot = Slot(machine: edit.machine, os: edit.os)
                guard let at = slot.location(spec) else {
                    groups.append(Group(location: nil, edits: [edit], slots: [slot], original: original))
                    continue
                }
                if let g = byLocation[at] {
                    groups[g].edits.append(edit)
                } else {
                    byLocation[at] = groups.count
                    groups.append(Group(location: at, edits: [edit], slots: readers[at] ?? [slot], original: original))
                }
            }
            return groups
        }
    }
}

extension SpecEditor {
    /// The source split into lines, with the byte offsets of each.
    struct Lines {
        let bytes: [UInt8]
        /// Per line: where it starts, where its content ends, where its line break ends.
        var starts: [Int] = []
        var ends: [Int] = []
        var breaks: [Int] = []

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var i = 0
            var start = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x0A || b == 0x0D {
                    let end = i
                    if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                    starts.append(start)
                    ends.append(end)
                    breaks.append(i + 1)
                    start = i + 1
                }
                i += 1
            }
            if start < bytes.count || starts.isEmpty {
                starts.append(start)
                ends.append(bytes.count)
                breaks.append(bytes.count)
            }
        }

        func text(_ line: Int) -> String { String(decoding: bytes[starts[line]..<ends[line]], as: UTF8.self) }

        /// The byte offset of a 1-based line and column (columns count Unicode
        /// scalars; a byte order mark on the first line counts for none).
        func offset(_ location: SourceLocation) -> Int? {
            let line = location.line - 1
            guard line >= 0, line < starts.count else { return nil }
            var i = starts[line]
            if line == 0 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
            var column = 1
            while column < location.column {
                guard i < ends[line] else { return nil }
                // Skip a scalar's continuation bytes.
                i += 1
                while i < ends[line] && bytes[i] & 0xC0 == 0x80 { i += 1 }
                column += 1
            }
            return i
        }
    }

    /// The edits decided so far: replaced byte ranges and inserted lines.
    struct Plan {
        let text: Lines
        var replacements: [(range: Range<Int>, bytes: [UInt8])] = []
        /// Lines to insert after a line (0-based).
        var insertions: [(after: Int, line: String)] = []

        /// Adds a group's edits as `choice` says; `false` when they cannot be
        /// written so (the value does not read as expected, or a mapping takes
        /// no new key).
        mutating func add(_ group: Group, _ choice: Group.Choice, spec: Spec) -> Bool {
            var added: [(range: Range<Int>, bytes: [UInt8])] = []
            var lines: [(after: Int, line: String)] = []
            if let value = choice.inPlace {
                guard let at = group.location, let slot = group.slots.first else { return false }
                // The decoder rounds a machine's memory down to its granule and every other size up.
                let granule = spec.machines[slot.machine].granule
                let before = group.original[slot] ?? 0
                let reads: (Int) -> Bool =
                    slot.os == nil
                    ? { Quantity.roundDown($0, to: granule) == before }
                    : { Quantity.roundUp($0, to: granule) == before }
                guard let range = valueRange(at, reads: reads) else { return false }
                var replacement = Array(Quantity.literal(value).utf8)
                let first = text.bytes[range.lowerBound]
                if first == 0x22 || first == 0x27 { replacement = [first] + replacement + [first] }
                added.append((range, replacement))
            }
            for (slot, value) in choice.inserted {
                // A new key in the entry's own mapping, after the line of its name.
                let owner = slot.os.map { spec.machines[slot.machine].oses[$0].location } ?? spec.machines[slot.machine].location
                let line = owner.line - 1
                guard line >= 0, line < text.starts.count else { return false }
                let content = Array(text.text(line).utf8)
                var k = 0
                while k < content.count
                    && (content[k] == 0x20 || (content[k] == 0x2D && k + 1 < content.count && content[k + 1] == 0x20))
                {
                    k += 1
                }
                guard k < content.count, content[k] != 0x7B, content[k] != 0x5B, owner.column > k + 1 else { return false }
                lines.append((line, String(repeating: " ", count: k) + "memory: " + Quantity.literal(value)))
            }
            replacements += added
            insertions += lines
            return true
        }

        /// The bytes of the scalar at `location` when its size `reads` as the
        /// value to change: a plain scalar up to a space, comment, comma or
        /// closing bracket, or a quoted one with its quotes.
        func valueRange(_ location: SourceLocation, reads: (Int) -> Bool) -> Range<Int>? {
            guard let start = text.offset(location) else { return nil }
            let end = text.ends[location.line - 1]
            guard start < end else { return nil }
            var i = start
            let quote = text.bytes[start]
            if quote == 0x22 || quote == 0x27 {
                i += 1
                while i < end && text.bytes[i] != quote { i += 1 }
                guard i < end else { return nil }
                i += 1
            } else {
                while i < end, ![0x20, 0x09, 0x2C, 0x5D, 0x7D, 0x23].contains(text.bytes[i]) { i += 1 }
            }
            var token = String(decoding: text.bytes[start..<i], as: UTF8.self)
            if quote == 0x22 || quote == 0x27 { token = String(token.dropFirst().dropLast()) }
            guard case .success(let bytes) = Quantity.parse(token), reads(bytes) else { return nil }
            return start..<i
        }

        /// The edited bytes, the line changes and the splices, in the order of the text.
        ///
        /// Each line keeps its own line break (LF, CR LF or CR); an inserted line
        /// takes the break of the line it follows, or, after a last line without
        /// one, the break of the line before that (LF when there is none), and
        /// that last line gets the same break before it.
        func apply() -> ([UInt8], [LineChange], [Splice]) {
            var byLine: [Int: (replaced: [(Range<Int>, [UInt8])], inserted: [String])] = [:]
            for r in replacements {
                let line = text.starts.lastIndex { $0 <= r.range.lowerBound } ?? 0
                byLine[line, default: ([], [])].replaced.append(r)
            }
            for ins in insertions { byLine[ins.after, default: ([], [])].inserted.append(ins.line) }
            var splices: [Splice] = []
            var changes: [LineChange] = []
            for line in byLine.keys.sorted() {
                guard let entry = byLine[line] else { continue }
                let replaced = entry.replaced.sorted { $0.0.lowerBound < $1.0.lowerBound }
                for (range, bytes) in replaced { splices.append(Splice(range: range, bytes: bytes)) }
                var lineBreak = Array(text.bytes[text.ends[line]..<text.breaks[line]])
                if !entry.inserted.isEmpty {
                    // A last line without a break gets one before the new lines.
                    let ending = lineBreak.isEmpty
                    if ending {
                        lineBreak = line > 0 ? Array(text.bytes[text.ends[line - 1]..<text.breaks[line - 1]]) : []
                        if lineBreak.isEmpty { lineBreak = [0x0A] }
                    }
                    var bytes: [UInt8] = ending ? lineBreak : []
                    for l in entry.inserted { bytes += Array(l.utf8) + lineBreak }
                    let at = ending ? text.ends[line] : text.breaks[line]
                    splices.append(Splice(range: at..<at, bytes: bytes))
                }
                let old = text.text(line)
                var newLine = Array(text.bytes[text.starts[line]..<text.ends[line]])
                for (range, bytes) in replaced.reversed() {
                    let a = range.lowerBound - text.starts[line]
                    newLine.replaceSubrange(a..<(a + range.count), with: bytes)
                }
                let new = String(decoding: newLine, as: UTF8.self)
                if replaced.isEmpty && text.breaks[line] > text.ends[line] {
                    // Lines added after an unchanged line: the line itself stays.
                    changes.append(LineChange(line: line + 1, removed: [], added: entry.inserted))
                } else {
                    changes.append(LineChange(line: line, removed: [old], added: [new] + entry.inserted))
                }
            }
            return (Splice.apply(splices, to: text.bytes), changes, splices)
        }
    }
}

extension SpecEditor.Splice {
    /// `source` with `splices` (in order, apart) applied.
    public static func apply(_ splices: [SpecEditor.Splice], to source: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(source.count + splices.reduce(0) { $0 + $1.bytes.count })
        var copied = 0
        for s in splices {
            out.append(contentsOf: source[copied..<s.range.lowerBound])
            out.append(contentsOf: s.bytes)
            copied = s.range.upperBound
        }
        out.append(contentsOf: source[copied...])
        return out
    }
}
