/// Writes an ``Advice`` into the spec's own text (`standby fix`): each value
/// replaced where it is written, everything else byte for byte as it was.
///
/// Why by hand: no YAML library round-trips a document with its comments,
/// blank lines, key order, quoting, flow style and anchors (libyaml's emitter
/// writes a new document from events and drops comments), and the edits here
/// are a few scalars whose places the decoder already knows.
///
/// - A value written for one machine or OS alone is replaced in place, in the
///   quotes it had, if any, after its anchor and tag (which stay): plain,
///   single- or double-quoted (escapes read as YAML reads them), or a block
///   scalar of one line (`>-`, `|`…), which becomes a plain scalar. Lines are
///   counted as libyaml counts them (NEL, LS and PS end lines too), since the
///   decoder's locations are its marks.
/// - A value that comes from an anchor other entities use too (its location is
///   theirs as well: another machine's or OS's memory, or any other size, such
///   as a job's memory merged from the same mapping) is not changed under them: the key is written again in the
///   entity's own mapping, on the line after its `name`, with that line's
///   indentation; an explicit key wins over a merged one wherever it stands.
///   A flow-style mapping (`{…}`) gets no new line: that edit is left, with
///   the reason, for the user to make.
/// - The result is decoded again, and used only when it gives exactly the
///   advised sizes; otherwise every edit is left (and said so).
public enum SpecEditor {
    /// One edit that could not be written into the text, and why.
    public struct Left: Sendable, Hashable {
        /// The edit, with the value to write by hand and where.
        public var edit: Advice.Edit
        /// Why it was not written, as a phrase for a message (a flow-style
        /// mapping has no line to add the key on, say).
        public var reason: String
    }

    /// The edited text, and the edits left for the user.
    public struct Result: Sendable {
        /// The spec's text with every edit that could be written (the same
        /// bytes when none could).
        public var text: [UInt8]
        /// The edits not written, in the advice's order.
        public var left: [Left]
        /// Line changes in the order of the text (lines as YAML breaks them).
        public var changes: [LineChange]
        /// The same edits as byte splices of the original, in order and
        /// apart: applied to it they give `text` exactly, line breaks and all.
        /// What `--format diff` shows (``UnifiedDiff``).
        public var splices: [Splice]
    }

    /// A change of whole lines: `removed` lines of the original from line
    /// `line` (0-based) are replaced by `added`. Lines here are counted as
    /// `patch` counts them (LF, CR LF, CR), not as libyaml does (NEL, LS and
    /// PS too), so that the diff applies.
    public struct LineChange: Sendable, Hashable {
        /// The first line replaced, 0-based.
        public var line: Int
        /// The original's lines replaced, without their line breaks.
        public var removed: [String]
        /// The lines written in their place, without their line breaks.
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
            if chosen[g] == nil { reasons[g] = groups[g].failure(text: text, spec: advice.original) }
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
            guard let choice = chosen[g], plan.add(group, choice, spec: advice.original) == nil else {
                let reason = g < reasons.count ? reasons[g] : nil
                left += group.edits.map { Left(edit: $0, reason: reason ?? group.failure(text: text, spec: advice.original)) }
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
        /// Whether sizes other than machines' and OSes' memory read the place
        /// too (a job's memory, a monitor, a kernel… merged from one mapping):
        /// it then keeps its value, and the slots that change get a key each.
        var readByOthers = false

        /// Whether another entry reads the place too.
        var shared: Bool { slots.count > 1 || readByOthers }

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
            if location != nil, !readByOthers, Set(values).count == 1, let v = values.first {
                list.append(Choice(inPlace: v, inserted: []))
            }
            list.append(Choice(inPlace: nil, inserted: inserts(nil)))
            if location != nil, !readByOthers {
                for v in Set(values).sorted() where Set(values).count > 1 {
                    list.append(Choice(inPlace: v, inserted: inserts(v)))
                }
            }
            return list
        }

        /// Why the group's edits could not be written: why its likeliest
        /// choice cannot be written, or, when it can, that the result did not
        /// decode to the advised sizes.
        func failure(text: Lines, spec: Spec) -> String {
            var plan = Plan(text: text)
            guard let choice = choices.first else { return reason }
            return plan.add(self, choice, spec: spec)
                ?? "the edited spec did not give the advised sizes; set it by hand"
        }

        /// Why the group's edits could not be written when its place is shared.
        var reason: String {
            let value = edits.first.map { Quantity.literal($0.to) } ?? ""
            return "its value comes from an anchor that other entries read too, and no key can be added beside it (a flow-style mapping or an alias); write 'memory: \(value)' there by hand"
        }

        /// The groups of `edits`: one per written place, plus one per edit of a
        /// value that is written nowhere (a default).
        static func all(_ edits: [Advice.Edit], in spec: Spec) -> [Group] {
            var readers: [SourceLocation: [Slot]] = [:]
            var original: [Slot: Int] = [:]
            // The places every other size is read from.
            var others = Set<SourceLocation>()
            for machine in spec.machines {
                others.formUnion([machine.monitorLocation, machine.reserveLocation].compactMap { $0 })
                for os in machine.oses {
                    if let at = os.kernelLocation { others.insert(at) }
                    for job in os.jobs {
                        others.formUnion([job.memoryLocation, job.standbyMemoryLocation].compactMap { $0 })
                    }
                }
            }
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
                    groups.append(
                        Group(
                            location: at, edits: [edit], slots: readers[at] ?? [slot], original: original,
                            readByOthers: others.contains(at)))
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

        /// `libyaml`: lines end where libyaml ends them (NEL, LS and PS too),
        /// as the decoder's locations, libyaml's marks, count them; else only
        /// at LF, CR LF and CR, as `patch` and `git apply` count lines.
        init(_ bytes: [UInt8], libyaml: Bool = true) {
            self.bytes = bytes
            var i = 0
            var start = 0
            while i < bytes.count {
                var width = LineIndex.lineBreakWidth(bytes, at: i)
                if !libyaml && bytes[i] != 0x0A && bytes[i] != 0x0D { width = 0 }
                guard width > 0 else {
                    i += 1
                    continue
                }
                starts.append(start)
                ends.append(i)
                breaks.append(i + width)
                i += width
                start = i
            }
            if start < bytes.count || starts.isEmpty {
                starts.append(start)
                ends.append(bytes.count)
                breaks.append(bytes.count)
            }
        }

        func text(_ line: Int) -> String { String(decoding: bytes[starts[line]..<ends[line]], as: UTF8.self) }

        /// The 0-based line holding byte `offset`.
        func line(of offset: Int) -> Int {
            var low = 0
            var high = starts.count
            while low < high {
                let mid = (low + high) / 2
                if starts[mid] <= offset { low = mid + 1 } else { high = mid }
            }
            return max(0, low - 1)
        }

        /// The leading spaces of a line, and whether it holds nothing else.
        func indentation(_ line: Int) -> (spaces: Int, blank: Bool) {
            var i = starts[line]
            while i < ends[line] && bytes[i] == 0x20 { i += 1 }
            return (i - starts[line], i == ends[line])
        }

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

        /// Adds a group's edits as `choice` says; when they cannot be written
        /// so, nothing, and why (the value is written in a form not rewritten
        /// here, or a mapping takes no new key).
        mutating func add(_ group: Group, _ choice: Group.Choice, spec: Spec) -> String? {
            var added: [(range: Range<Int>, bytes: [UInt8])] = []
            var lines: [(after: Int, line: String)] = []
            if let value = choice.inPlace {
                guard let at = group.location, let slot = group.slots.first else { return group.reason }
                // The decoder rounds a machine's memory down to its granule and every other size up.
                let granule = spec.machines[slot.machine].granule
                let before = group.original[slot] ?? 0
                let reads: (Int) -> Bool =
                    slot.os == nil
                    ? { Quantity.roundDown($0, to: granule) == before }
                    : { Quantity.roundUp($0, to: granule) == before }
                guard let token = token(at, reads: reads) else {
                    return "its value at line \(at.line), column \(at.column) is written in a form `fix` does not rewrite; write \(Quantity.literal(value)) there by hand"
                }
                var replacement = Array(Quantity.literal(value).utf8)
                if let quote = token.quote { replacement = [quote] + replacement + [quote] }
                added.append((token.range, replacement))
            }
            for (slot, value) in choice.inserted {
                // A new key in the entry's own mapping, after the line of its name.
                let owner = slot.os.map { spec.machines[slot.machine].oses[$0].location } ?? spec.machines[slot.machine].location
                let line = owner.line - 1
                guard line >= 0, line < text.starts.count else { return group.reason }
                let content = Array(text.text(line).utf8)
                var k = 0
                while k < content.count
                    && (content[k] == 0x20 || (content[k] == 0x2D && k + 1 < content.count && content[k + 1] == 0x20))
                {
                    k += 1
                }
                guard k < content.count, content[k] != 0x7B, content[k] != 0x5B, owner.column > k + 1 else {
                    return group.shared
                        ? group.reason
                        : "its mapping at line \(owner.line) is written in flow style ({…}), where `fix` adds no line; write 'memory: \(Quantity.literal(value))' in it by hand"
                }
                lines.append((line, String(repeating: " ", count: k) + "memory: " + Quantity.literal(value)))
            }
            replacements += added
            insertions += lines
            return nil
        }

        /// A scalar as written: its bytes (from its first quote or indicator to
        /// its end, after any anchor and tag, which stay), and the quote to
        /// write the new value in (`nil`: plain).
        struct Token {
            var range: Range<Int>
            var quote: UInt8?
        }

        /// The scalar at `location` when its size `reads` as the value to
        /// change, after its properties (`&anchor`, `!tag`, in either order):
        /// a plain scalar up to a space, comment, comma or closing bracket; a
        /// single- or double-quoted one with its quotes (escapes read as YAML
        /// reads them); a block scalar (`|`, `>`, with indicators) with its
        /// lines, replaced by a plain scalar. `nil` for any other form.
        func token(_ location: SourceLocation, reads: (Int) -> Bool) -> Token? {
            guard var i = text.offset(location) else { return nil }
            let bytes = text.bytes
            let line = location.line - 1
            let end = text.ends[line]
            func skipBlanks() { while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 } }
            // Properties: an anchor and a tag, each up to a blank.
            for _ in 0..<2 where i < end && (bytes[i] == 0x26 || bytes[i] == 0x21) {
                if bytes[i] == 0x21 && i + 1 < end && bytes[i + 1] == 0x3C {
                    while i < end && bytes[i] != 0x3E { i += 1 }
                }
                while i < end && bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
                skipBlanks()
            }
            guard i < end else { return nil }
            let start = i
            let value: String
            var quote: UInt8?
            switch bytes[start] {
            case 0x22:
                // Double-quoted, on one line: `\` escapes the next character.
                i += 1
                var raw: [UInt8] = []
                while i < end && bytes[i] != 0x22 {
                    if bytes[i] == 0x5C { raw.append(bytes[i]); i += 1; guard i < end else { return nil } }
                    raw.append(bytes[i])
                    i += 1
                }
                guard i < end, let unescaped = Self.unescapeDoubleQuoted(raw) else { return nil }
                i += 1
                value = unescaped
                quote = 0x22
            case 0x27:
                // Single-quoted, on one line: `''` is a quote.
                i += 1
                var raw: [UInt8] = []
                while i < end {
                    if bytes[i] == 0x27 {
                        guard i + 1 < end && bytes[i + 1] == 0x27 else { break }
                        i += 1
                    }
                    raw.append(bytes[i])
                    i += 1
                }
                guard i < end else { return nil }
                i += 1
                value = String(decoding: raw, as: UTF8.self)
                quote = 0x27
            case 0x7C, 0x3E:
                // A block scalar: its header up to the line's end (a comment may
                // follow), then its lines, more indented than the first line
                // less indented than its content. Its one content line is the value.
                i += 1
                while i < end && (bytes[i] == 0x2D || bytes[i] == 0x2B || (0x31...0x39).contains(bytes[i])) { i += 1 }
                skipBlanks()
                guard i == end || bytes[i] == 0x23 else { return nil }
                var content: [Int] = []
                var indent: Int?
                var next = line + 1
                while next < text.starts.count {
                    let (spaces, blank) = text.indentation(next)
                    if !blank {
                        if let indent, spaces < indent { break }
                        if indent == nil {
                            // The content is more indented than the line that holds the key.
                            guard spaces > text.indentation(line).spaces else { break }
                            indent = spaces
                        }
                        content.append(next)
                    }
                    next += 1
                }
                guard content.count == 1, let only = content.first else { return nil }
                i = text.ends[only]
                // Trailing blanks of the content line are not the value's.
                var last = i
                while last > text.starts[only] && (bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09) { last -= 1 }
                let from = text.starts[only] + text.indentation(only).spaces
                value = String(decoding: bytes[from..<last], as: UTF8.self)
                i = last
            default:
                while i < end, ![0x20, 0x09, 0x2C, 0x5D, 0x7D, 0x23].contains(bytes[i]) { i += 1 }
                value = String(decoding: bytes[start..<i], as: UTF8.self)
            }
            guard case .success(let size) = Quantity.parse(value), reads(size) else { return nil }
            return Token(range: start..<i, quote: quote)
        }

        /// The text of a double-quoted scalar's content, its escapes read as
        /// YAML reads them; `nil` for an escape it does not know.
        static func unescapeDoubleQuoted(_ raw: [UInt8]) -> String? {
            var out = String.UnicodeScalarView()
            let text = Array(String(decoding: raw, as: UTF8.self).unicodeScalars)
            var i = 0
            while i < text.count {
                let c = text[i]
                i += 1
                guard c == "\\" else {
                    out.append(c)
                    continue
                }
                guard i < text.count else { return nil }
                let e = text[i]
                i += 1
                let simple: [Unicode.Scalar: Unicode.Scalar] = [
                    "0": "\u{0}", "a": "\u{7}", "b": "\u{8}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{B}",
                    "f": "\u{C}", "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\",
                    "N": "\u{85}", "_": "\u{A0}", "L": "\u{2028}", "P": "\u{2029}",
                ]
                if let s = simple[e] {
                    out.append(s)
                    continue
                }
                let digits = e == "x" ? 2 : e == "u" ? 4 : e == "U" ? 8 : 0
                guard digits > 0, i + digits <= text.count,
                    let v = UInt32(String(String.UnicodeScalarView(text[i..<(i + digits)])), radix: 16),
                    let scalar = Unicode.Scalar(v)
                else { return nil }
                out.append(scalar)
                i += digits
            }
            return String(out)
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
                // A replacement may span lines (a block scalar): its lines change as one.
                let last = replaced.map { text.line(of: max($0.0.lowerBound, $0.0.upperBound - 1)) }.max() ?? line
                let old = (line...max(line, last)).map { text.text($0) }.joined(separator: "\n")
                var newLine = Array(text.bytes[text.starts[line]..<text.ends[max(line, last)]])
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
