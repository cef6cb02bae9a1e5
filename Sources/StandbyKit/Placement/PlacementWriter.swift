/// Writes a placement into the spec's own text (`standby place -o`,
/// `--in-place`, `--format yaml|diff`): the new `standby:` references, then,
/// as `standby fix` writes it, the least memory raise that leaves no case
/// short (or with `reclaim` the least layout), with ``SpecEditor``: comments,
/// order, quoting and anchors stay. The written text is planned again.
///
/// A reference written for one OS alone is replaced where it stands, in the
/// quotes it had. One that an anchor shares with other OSes is replaced
/// there only when every reader takes the same new standby and no job reads
/// it; otherwise `standby:` is written again in each changed OS's own
/// mapping, on the line after its `name`. The edited text is decoded again
/// and used only when it names exactly the placed standbys; otherwise every
/// reference is left, with the reason, for the operator to write.
public enum PlacementWriter {
    /// The placement written: the new text, what could not be written, and
    /// the new text's plan.
    public struct Written: Sendable {
        /// The spec's text with the references and the memory change written
        /// (the same bytes when nothing could be).
        public var text: [UInt8]
        /// The edits as splices of the original text (what `--format diff` shows).
        public var splices: [SpecEditor.Splice]
        /// References not written, and why.
        public var left: [(change: Placement.Change, reason: String)]
        /// The memory change written after the references, and what of it was not written.
        public var advice: Advice?
        /// The memory change as written into the text after the references,
        /// with the edits left; `nil` when nothing needed memory.
        public var edited: SpecEditor.Result?
        /// The written text, planned again: its figures, and whether no case is
        /// short (every uncovered case loses only copies no memory brings back).
        public var figures: Placement.Figures?
        /// Whether no case of the written text is short (every uncovered case
        /// loses only copies no memory brings back).
        public var covered: Bool
    }

    /// `placement` written into `source`, the text `original` was decoded from.
    public static func write(
        _ placement: Placement.Result, original: Spec, source: [UInt8], reclaim: Bool
    ) -> Written {
        var text = source
        var splices: [SpecEditor.Splice] = []
        var left: [(change: Placement.Change, reason: String)] = []
        if !placement.changes.isEmpty {
            switch references(placement, original: original, source: source) {
            case .success(let done):
                (text, splices) = done
            case .failure(let why):
                left = placement.changes.map { ($0, why.reason) }
            }
        }
        // The memory that covers every case with the new references, on the text as now written.
        guard let decoded = SpecDecoder.decode(text).0 else {
            return Written(text: source, splices: [], left: left, advice: nil, edited: nil, figures: nil, covered: false)
        }
        var advice: Advice?
        var edited: SpecEditor.Result?
        switch reclaim ? LeastMemory.reclaim(decoded) : LeastMemory.fix(decoded) {
        case .success(let a):
            let e = SpecEditor.apply(a, to: text)
            splices = compose(splices, on: source, then: e.splices)
            text = e.text
            advice = a
            edited = e
        case .failure:
            break
        }
        var figures: Placement.Figures?
        var covered = false
        if let final = SpecDecoder.decode(text).0, case .success(let compiled) = Placement.compile(final) {
            let planned = Planner.figures(compiled)
            figures = Placement.figures(planned)
            covered = zip(planned.uncoveredByMachine, planned.beyondMemoryByMachine).allSatisfy { $0 == $1 }
                && (advice?.isProven ?? false)
        }
        return Written(
            text: text, splices: splices, left: left, advice: advice, edited: edited, figures: figures, covered: covered)
    }

    /// The references written into `source`: the edited text and its splices,
    /// or why they could not be written.
    static func references(
        _ placement: Placement.Result, original: Spec, source: [UInt8]
    ) -> Swift.Result<([UInt8], [SpecEditor.Splice]), Failure> {
        let lines = SpecEditor.Lines(source)
        // Who reads each place a reference is written: active OSes, and others.
        var readers: [SourceLocation: Int] = [:]
        for machine in original.machines {
            for os in machine.oses {
                if let at = os.standby?.location { readers[at, default: 0] += os.role == .active ? 1 : 2 }
                for job in os.jobs { if let at = job.standby?.location { readers[at, default: 0] += 2 } }
            }
        }
        var byPlace: [SourceLocation: [Placement.Change]] = [:]
        for change in placement.changes { byPlace[change.location, default: []].append(change) }
        var splices: [SpecEditor.Splice] = []
        for change in placement.changes {
            guard let group = byPlace[change.location], group.first == change else { continue }
            let sole = readers[change.location] == group.count && Set(group.map(\.to)).count == 1
            if sole, let token = token(at: change.location, in: lines, reads: change.from) {
                splices.append(.init(range: token.range, bytes: Array(literal(change.to, quote: token.quote).utf8)))
                continue
            }
            // A shared place: a key of its own in each changed OS's mapping.
            for c in group {
                let owner = original.machines[c.machine].oses[c.os].location
                let line = owner.line - 1
                guard line >= 0, line < lines.starts.count else { return .failure(Failure(reason: placeReason(c))) }
                let content = Array(lines.text(line).utf8)
                var k = 0
                while k < content.count
                    && (content[k] == 0x20 || (content[k] == 0x2D && k + 1 < content.count && content[k + 1] == 0x20))
                {
                    k += 1
                }
                guard k < content.count, content[k] != 0x7B, owner.column > k + 1 else {
                    return .failure(Failure(reason: placeReason(c)))
                }
                var bytes = Array(lines.bytes[lines.ends[line]..<lines.breaks[line]])
                if bytes.isEmpty { return .failure(Failure(reason: placeReason(c))) }
                bytes = Array((String(repeating: " ", count: k) + "standby: " + literal(c.to, quote: nil)).utf8) + bytes
                splices.append(.init(range: lines.breaks[line]..<lines.breaks[line], bytes: bytes))
            }
        }
        splices.sort { $0.range.lowerBound < $1.range.lowerBound }
        let text = SpecEditor.Splice.apply(splices, to: source)
        guard let decoded = SpecDecoder.decode(text).0, decoded.machines.count == placement.spec.machines.count,
            zip(decoded.machines, placement.spec.machines).allSatisfy({ a, b in
                a.oses.count == b.oses.count && zip(a.oses, b.oses).allSatisfy { $0.standby == $1.standby }
            }), sizes(decoded) == sizes(original)
        else {
            return .failure(Failure(reason: "the edited spec did not name the placed standbys; set it by hand"))
        }
        return .success((text, splices))
    }

    struct Failure: Error {
        var reason: String
    }

    static func placeReason(_ change: Placement.Change) -> String {
        "its value comes from an anchor that other entries read too, and no key can be added beside it; write 'standby: \(change.to)' there by hand"
    }

    /// Every size of a spec, to check that writing references changed none.
    static func sizes(_ spec: Spec) -> [Int] {
        spec.machines.flatMap { m in
            [m.memory, m.monitor, m.granule, m.reserve]
                + m.oses.flatMap { os in [os.memory, os.kernel] + os.jobs.flatMap { [$0.memory, $0.standbyMemory] } }
        }
    }

    /// A reference as YAML: plain when nothing could read it otherwise, else
    /// in `quote` (double quotes when it had none).
    static func literal(_ reference: String, quote: UInt8?) -> String {
        let words: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]
        let plain = reference.first.map(\.isLetter) == true && !words.contains(reference.lowercased())
        if let quote { return String(UnicodeScalar(quote)) + reference + String(UnicodeScalar(quote)) }
        return plain ? reference : "\"" + reference + "\""
    }

    /// The scalar at `location` when it reads `expected`: plain, or quoted on
    /// one line, after an anchor or a tag; `nil` for any other form.
    static func token(
        at location: SourceLocation, in lines: SpecEditor.Lines, reads expected: String
    ) -> (range: Range<Int>, quote: UInt8?)? {
        guard var i = lines.offset(location) else { return nil }
        let bytes = lines.bytes
        let end = lines.ends[location.line - 1]
        for _ in 0..<2 where i < end && (bytes[i] == 0x26 || bytes[i] == 0x21) {
            while i < end && bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
            while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        }
        guard i < end else { return nil }
        let start = i
        var quote: UInt8?
        let value: String
        if bytes[i] == 0x22 || bytes[i] == 0x27 {
            quote = bytes[i]
            i += 1
            let from = i
            while i < end && bytes[i] != quote { i += 1 }
            guard i < end else { return nil }
            value = String(decoding: bytes[from..<i], as: UTF8.self)
            i += 1
        } else {
            while i < end, ![0x20, 0x09, 0x2C, 0x5D, 0x7D, 0x23].contains(bytes[i]) { i += 1 }
            value = String(decoding: bytes[start..<i], as: UTF8.self)
        }
        return value == expected ? (start..<i, quote) : nil
    }

    /// Splices `second`, made on the text `first` gives from `source`, as
    /// splices of `source`: edits that meet or touch are merged into one.
    static func compose(
        _ first: [SpecEditor.Splice], on source: [UInt8], then second: [SpecEditor.Splice]
    ) -> [SpecEditor.Splice] {
        guard !first.isEmpty else { return second }
        guard !second.isEmpty else { return first }
        let middle = SpecEditor.Splice.apply(first, to: source)
        // The first splices' places in the middle text, with how much each shifts what follows.
        var images: [(range: Range<Int>, shift: Int)] = []
        var shift = 0
        for s in first {
            let start = s.range.lowerBound + shift
            images.append((start..<start + s.bytes.count, s.bytes.count - s.range.count))
            shift += s.bytes.count - s.range.count
        }
        var spans = (images.map(\.range) + second.map(\.range)).sorted { $0.lowerBound < $1.lowerBound }
        var clusters: [Range<Int>] = []
        for span in spans {
            if let last = clusters.last, span.lowerBound <= last.upperBound {
                clusters[clusters.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                clusters.append(span)
            }
        }
        spans = []
        func original(_ p: Int) -> Int {
            p - images.filter { $0.range.upperBound <= p }.reduce(0) { $0 + $1.shift }
        }
        return clusters.map { cluster in
            let inside = second.filter { cluster.contains($0.range.lowerBound) || $0.range.lowerBound == cluster.upperBound }
                .map { SpecEditor.Splice(range: ($0.range.lowerBound - cluster.lowerBound)..<($0.range.upperBound - cluster.lowerBound), bytes: $0.bytes) }
            let bytes = SpecEditor.Splice.apply(inside, to: Array(middle[cluster]))
            return SpecEditor.Splice(range: original(cluster.lowerBound)..<original(cluster.upperBound), bytes: bytes)
        }
    }
}
