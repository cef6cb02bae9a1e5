import YAMLReader

/// Stage: bytes → typed ``Spec`` (docs/model.md, "The spec (format version 1)").
///
/// A streaming recursive-descent decoder over `YAMLReader` events: it never
/// builds a tree, so a fleet-sized spec stays in memory only as the ``Spec`` it
/// becomes. The recursion follows the schema's fixed depth (spec → machine → OS
/// → job → policy); anything unknown or of the wrong kind is skipped with the
/// reader's iterative `YAMLReader.skip(after:)`, so no input can make it
/// recurse deeper.
///
/// Every problem in the document is reported, each at the node it is about.
/// Sizes are rounded to their machine's granule once the machine's mapping is
/// read (keys come in any order), and per-job policies are filled in from
/// `policies.job_fault` once the whole document is read (`policies` may come
/// last). A reader error (bad YAML, a limit) stops decoding: the diagnostics so
/// far are kept, with the reader's error added.
///
/// The keys of every place come from `SpecKeys`. This file holds the
/// document, the top level, the policies and the helpers for structure and
/// reporting; `SpecEntities.swift` the machines, OSes and jobs;
/// `SpecValues.swift` the scalar values.
public enum SpecDecoder {
    /// Decodes a spec. The spec is `nil` when any error was found; warnings
    /// (a size rounded to the granule, a repeated fault kind) come with a spec.
    public static func decode(
        _ bytes: some Collection<UInt8>, limits: YAMLLimits = .default
    ) -> (Spec?, Diagnostics) {
        var decoding = SpecDecoding(reader: YAMLReader(bytes: bytes, limits: limits))
        let spec: Spec?
        do {
            spec = try decoding.document()
        } catch {
            decoding.diagnostics.append(diagnostic(for: error))
            return (nil, coalesced(decoding.diagnostics))
        }
        let diagnostics = coalesced(decoding.diagnostics)
        return (diagnostics.hasErrors ? nil : spec, diagnostics)
    }

    /// The note under a diagnostic about an aliased node, at the node.
    static let definedHere = "the aliased node is defined here"
    /// The note under a diagnostic about a merged node, at each merge.
    static let mergedHere = "merged here"

    /// `diagnostics` with repeats made one: a node merged into N mappings is
    /// decoded N times, and its problem is reported once, where it is written,
    /// with a "merged here" note for each merge (in order). Diagnostics that
    /// are otherwise identical (same severity, code, message, place and other
    /// notes) are the same problem. Linear: one hash lookup per diagnostic.
    static func coalesced(_ diagnostics: Diagnostics) -> Diagnostics {
        // Only diagnostics that share a place can be repeats: most places have
        // one, and comparing places is cheaper than comparing whole diagnostics.
        var places: [SourceLocation: Int] = [:]
        for d in diagnostics.all { places[d.location, default: 0] += 1 }
        if places.count == diagnostics.all.count { return diagnostics }
        var first: [Diagnostic: Int] = [:]
        var out: [Diagnostic] = []
        for d in diagnostics.all {
            if places[d.location] == 1 {
                out.append(d)
                continue
            }
            var key = d
            key.notes.removeAll { $0.message == mergedHere }
            guard let i = first[key] else {
                first[key] = out.count
                out.append(d)
                continue
            }
            for note in d.notes where note.message == mergedHere && !out[i].notes.contains(note) {
                out[i].notes.append(note)
            }
        }
        return Diagnostics(out)
    }

    /// The diagnostic for a reader error: its code, the reader's message, its hint
    /// as a note, the first occurrence of a duplicate key, and the flag that
    /// raises a limit.
    package static func diagnostic(for error: YAMLError) -> Diagnostic {
        let code: DiagnosticCode
        var flag: String?
        switch error.kind {
        case .syntax: code = .yamlSyntax
        case .encoding: code = .invalidEncoding
        case .inputTooLarge:
            code = .inputTooLarge
            flag = "--max-input-bytes"
        case .tooDeep:
            code = .nestingTooDeep
            flag = "--max-depth"
        case .aliasBudget:
            code = .aliasBudget
            flag = "--max-alias-nodes"
        case .undefinedAlias: code = .undefinedAlias
        case .duplicateKey: code = .duplicateKey
        case .complexKey: code = .complexKey
        case .invalidMerge: code = .invalidMerge
        case .multipleDocuments: code = .multipleDocuments
        case .unsupportedTag: code = .unsupportedTag
        }
        var notes: [Diagnostic.Note] = []
        if let hint = error.hint { notes.append(.init(hint)) }
        if let related = error.related {
            notes.append(.init("first written here", at: SourceLocation(related)))
        }
        if let flag { notes.append(.init("if the input is trusted, raise the limit with \(flag)")) }
        return .error(code, error.message, at: SourceLocation(error.mark), notes: notes)
    }
}

extension SourceLocation {
    /// The same position as a reader mark (both are 1-based and count characters).
    init(_ mark: YAMLMark) {
        self.init(line: mark.line, column: mark.column)
    }
}

/// A value and where it is written.
struct Located<Value> {
    var value: Value
    var location: SourceLocation
}

/// The state of one decoding: the reader, the diagnostics, and what must wait
/// for the end of the document.
struct SpecDecoding {
    let reader: YAMLReader
    var diagnostics = Diagnostics()

    /// Per-job `policy` overrides, by the job's ordinal in document order, applied
    /// over `policies.job_fault` once the whole document is read.
    var overrides: [(ordinal: Int, light: JobFaultAction?, severe: JobFaultAction?)] = []
    /// Jobs decoded so far; only read back when the document has no error, in
    /// which case every decoded job is in the spec, in this order.
    var jobCount = 0

    init(reader: YAMLReader) {
        self.reader = reader
    }

    // MARK: - Document and top level

    mutating func document() throws(YAMLError) -> Spec? {
        let first = try reader.nextToken()
        var spec: Spec?
        switch first.kind {
        case .documentEnd:
            emptySpec()
            return nil
        case .mappingStart:
            spec = try top(first)
        case .scalar where isNull(first):
            emptySpec()
        default:
            try wrongType(first, "a spec must be a mapping, not \(describe(first))",
                notes: [.init("start the spec with 'version: 1' and 'machines:'")])
        }
        // Asking for the end is what makes the reader check for a second document.
        _ = try reader.nextToken()
        return spec
    }

    private mutating func emptySpec() {
        diagnostics.error(
            .emptySpec, "the spec is empty", at: .start,
            notes: [.init("a spec starts with 'version: 1' and lists its machines under 'machines:'")])
    }

    private mutating func top(_ start: YAMLToken) throws(YAMLError) -> Spec? {
        let keys = SpecKeys.top
        var seen = KeyMask()
        var policies = Policies()
        var faultsLocation: SourceLocation?
        var machines: [Machine]?
        var machinesLocation: SourceLocation?
        var explained = KeyMask()
        while let key = try nextKey() {
            let value = try reader.nextToken()
            guard let known = keys.match(key) else {
                // `x-…` keys hold anchors for the rest of the spec; they are not read.
                if isExtension(key) {
                    try reader.skip(afterToken: value)
                } else if let meant = try unknownKey(key, value: value, in: keys) {
                    explained.insert(meant)
                }
                continue
            }
            seen.insert(known)
            switch known {
            case .version:
                try version(value)
            case .policies:
                try self.policies(value, into: &policies, faultsLocation: &faultsLocation)
            case .machines:
                machinesLocation = location(value)
                machines = try listOfMappings(value, key: keys[.machines]) { (d, item) throws(YAMLError) in try d.machine(item) }
            }
        }
        missingKeys(of: keys, seen: seen, explained: explained, in: keys.place, at: start)
        guard var machines else { return nil }
        applyJobPolicies(policies.jobFault, to: &machines)
        return Spec(
            version: 1, policies: policies, machines: machines, machinesLocation: machinesLocation,
            faultsLocation: faultsLocation)
    }

    private mutating func version(_ value: YAMLToken) throws(YAMLError) {
        guard value.kind == .scalar, !isNull(value) else {
            return try wrongType(value, "'version' must be the number 1, not \(describe(value))")
        }
        if value.style.isQuoted || value.tag == .str {
            report(.error, 
                .wrongType, "'version' must be the number 1, not a string", about: value,
                notes: [.init("remove the quotes: write 'version: 1'")])
            return
        }
        if string(value) != "1" {
            report(.error, 
                .unsupportedVersion, "spec format version '\(string(value))' is not supported",
                about: value,
                notes: [.init("this tool reads format version 1; write 'version: 1'")])
        }
    }

    /// Fills each job's effective policy: `job_fault`, then the job's own overrides.
    private mutating func applyJobPolicies(_ jobFault: JobFaultPolicy, to machines: inout [Machine]) {
        if jobFault == JobFaultPolicy() && overrides.isEmpty { return }
        var ordinal = 0
        var next = 0
        for m in machines.indices {
            for o in machines[m].oses.indices {
                for j in machines[m].oses[o].jobs.indices {
                    var policy = jobFault
                    if next < overrides.count && overrides[next].ordinal == ordinal {
                        if let light = overrides[next].light { policy.light = light }
                        if let severe = overrides[next].severe { policy.severe = severe }
                        next += 1
                    }
                    machines[m].oses[o].jobs[j].policy = policy
                    ordinal += 1
                }
            }
        }
    }

    // MARK: - Policies

    private mutating func policies(
        _ start: YAMLToken, into policies: inout Policies, faultsLocation: inout SourceLocation?
    ) throws(YAMLError) {
        let keys = SpecKeys.policies
        guard try expectMapping(start, key: keys.place) else { return }
        while let key = try nextKey() {
            let value = try reader.nextToken()
            switch keys.match(key) {
            case .faults?:
                faultsLocation = location(value)
                if let faults = try self.faults(value, key: keys[.faults]) { policies.faults = faults }
            case .jobFault?:
                let (light, severe) = try jobFaultPolicy(value, key: keys[.jobFault])
                if let light { policies.jobFault.light = light }
                if let severe { policies.jobFault.severe = severe }
            case .osFault?:
                let osFault = SpecKeys.osFault
                guard try expectMapping(value, key: keys[.osFault]) else { continue }
                while let key = try nextKey() {
                    let value = try reader.nextToken()
                    switch osFault.match(key) {
                    case .osArea?:
                        if let area = try enumValue(value, OSAreaPolicy.self, key: osFault[.osArea]) {
                            policies.osArea = area
                        }
                    case nil:
                        try unknownKey(key, value: value, in: osFault)
                    }
                }
            case .memoryFault?:
                let memoryFault = SpecKeys.memoryFault
                guard try expectMapping(value, key: keys[.memoryFault]) else { continue }
                while let key = try nextKey() {
                    let value = try reader.nextToken()
                    switch memoryFault.match(key) {
                    case .lost?:
                        if let lost = try percentage(value, key: memoryFault[.lost]) { policies.memoryLost = lost }
                    case nil:
                        try unknownKey(key, value: value, in: memoryFault)
                    }
                }
            case .pool?:
                if let pool = try boolean(value, key: keys[.pool]) { policies.pool = pool.value }
            case nil:
                try unknownKey(key, value: value, in: keys)
            }
        }
    }

    /// The fault kinds, without repeats, in ``FaultKind`` order; a repeat is a warning.
    private mutating func faults(_ start: YAMLToken, key: String) throws(YAMLError) -> [FaultKind]? {
        guard try expectSequence(start, key: key) else { return nil }
        var seen: [FaultKind: SourceLocation] = [:]
        var valid = true
        while let item = try nextItem() {
            guard let kind = try enumValue(item, FaultKind.self, key: key, item: true) else {
                valid = false
                continue
            }
            if let first = seen[kind] {
                report(
                    .warning, .duplicateFaultKind, "fault kind '\(kind.rawValue)' is listed twice", about: item,
                    notes: [.init("remove this one; it was first listed here", at: first)])
            } else {
                seen[kind] = location(item)
            }
        }
        return valid ? FaultKind.allCases.filter { seen[$0] != nil } : nil
    }

    /// A `{light, severe}` mapping (`job_fault`, or a job's `policy`): the actions it sets.
    mutating func jobFaultPolicy(_ start: YAMLToken, key name: String)
        throws(YAMLError) -> (JobFaultAction?, JobFaultAction?)
    {
        let keys = SpecKeys.jobFault
        var light: JobFaultAction?
        var severe: JobFaultAction?
        guard try expectMapping(start, key: name) else { return (nil, nil) }
        while let key = try nextKey() {
            let value = try reader.nextToken()
            switch keys.match(key) {
            case .light?: light = try enumValue(value, JobFaultAction.self, key: keys[.light])
            case .severe?: severe = try enumValue(value, JobFaultAction.self, key: keys[.severe])
            case nil: try unknownKey(key, value: value, in: keys, place: name)
            }
        }
        return (light, severe)
    }

    /// A list whose items are mappings (`machines`, `oses`, `jobs`), each decoded
    /// by `element`. `nil` when the list or any item is invalid; every item is
    /// still read, so one run reports every problem.
    mutating func listOfMappings<Element>(
        _ start: YAMLToken, key: String,
        element: (inout SpecDecoding, YAMLToken) throws(YAMLError) -> Element?
    ) throws(YAMLError) -> [Element]? {
        guard try expectSequence(start, key: key) else { return nil }
        var elements: [Element] = []
        var valid = true
        while let item = try nextItem() {
            guard item.kind == .mappingStart else {
                try wrongType(item, "an item of '\(key)' must be a mapping, not \(describe(item))")
                valid = false
                continue
            }
            if let decoded = try element(&self, item) { elements.append(decoded) } else { valid = false }
        }
        return valid ? elements : nil
    }

    // MARK: - Structure

    /// Where a diagnostic about `event` is shown: at the alias that replays it,
    /// else where it is written (a merged node too: its problem is reported
    /// once there, with a note at each merge, see ``SpecDecoder/coalesced(_:)``).
    func location(_ event: YAMLToken) -> SourceLocation {
        if event.isAliasUse, let use = event.use { return SourceLocation(use.mark) }
        return SourceLocation(event.mark)
    }

    /// A top-level key starting with `x-` is ignored: a place for anchors that
    /// other entries alias (the Compose convention).
    func isExtension(_ key: YAMLToken) -> Bool {
        reader.withBytes(of: key) { $0.count >= 2 && $0[0] == UInt8(ascii: "x") && $0[1] == UInt8(ascii: "-") }
    }

    /// Reports a problem with `event`, tied to where the node is written when it
    /// is used elsewhere: a note at the anchor under an alias, a note at the
    /// merge under a merged node.
    mutating func report(
        _ severity: Diagnostic.Severity, _ code: DiagnosticCode, _ message: String, about event: YAMLToken,
        notes: [Diagnostic.Note] = []
    ) {
        var notes = notes
        switch event.use?.kind {
        case .alias?: notes.append(.init(SpecDecoder.definedHere, at: SourceLocation(event.mark)))
        case .merge?: notes.append(.init(SpecDecoder.mergedHere, at: event.use.map { SourceLocation($0.mark) }))
        case nil: break
        }
        diagnostics.append(Diagnostic(severity, code, message, at: location(event), notes: notes))
    }

    /// The next key of the mapping being read, or `nil` at its end.
    func nextKey() throws(YAMLError) -> YAMLToken? {
        let key = try reader.nextToken()
        // The reader guarantees scalar keys (it reports any other as complex-key).
        return key.kind == .scalar ? key : nil
    }

    /// The next item of the sequence being read, or `nil` at its end.
    func nextItem() throws(YAMLError) -> YAMLToken? {
        let item = try reader.nextToken()
        return item.startsNode ? item : nil
    }

    mutating func expectMapping(_ value: YAMLToken, key: String) throws(YAMLError) -> Bool {
        if value.kind == .mappingStart { return true }
        try wrongType(value, "'\(key)' must be a mapping, not \(describe(value))")
        return false
    }

    mutating func expectSequence(_ value: YAMLToken, key: String) throws(YAMLError) -> Bool {
        if value.kind == .sequenceStart { return true }
        let empty = isNull(value) ? [Diagnostic.Note("write '\(key): []' for an empty list")] : []
        try wrongType(value, "'\(key)' must be a list, not \(describe(value))", notes: empty)
        return false
    }

    /// `true` when `value` is a scalar that is not null and carries no tag but
    /// `allowed`; otherwise reports `wrong-type` and skips the node.
    @inline(__always)
    mutating func expectScalar(
        _ value: YAMLToken, key: String, expected: @autoclosure () -> String, allowed: TagSet,
        item: Bool = false
    ) throws(YAMLError) -> Bool {
        // An untagged scalar, quoted, or plain and not null or a boolean by
        // its first byte, as nearly every scalar of a spec is: nothing to check.
        if value.kind == .scalar && value.tag == nil {
            if value.style != .plain { return true }
            switch value.firstInlineByte {
            case nil, UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "f"):
                break
            default:
                return true
            }
        }
        return try checkScalar(value, key: key, expected: expected(), allowed: allowed, item: item)
    }

    /// ``expectScalar(_:key:expected:allowed:item:)`` for a scalar that may be
    /// null, tagged or a boolean, or a node that is not a scalar.
    mutating func checkScalar(
        _ value: YAMLToken, key: String, expected: @autoclosure () -> String, allowed: TagSet, item: Bool
    ) throws(YAMLError) -> Bool {
        // Built only when reporting: this runs for every scalar of the spec.
        var subject: String { item ? "an item of '\(key)'" : "'\(key)'" }
        if value.kind == .scalar && !isNull(value) {
            if let tag = value.tag, !allowed.contains(TagSet(tag)) {
                report(.error, 
                    .wrongType, "\(subject) must be \(expected()), not a value tagged '!!\(tag)'",
                    about: value, notes: [.init("remove the tag")])
                return false
            }
            // A plain true/false is a boolean in YAML 1.2: it is not a name or a size.
            if value.tag == nil && value.style == .plain && !allowed.contains(.bool)
                && (value.hasText(Literal.true) || value.hasText(Literal.false))
            {
                report(.error, 
                    .wrongType, "\(subject) must be \(expected()), not a boolean",
                    about: value,
                    notes: [.init("quote it to write the text '\(string(value))'")])
                return false
            }
            return true
        }
        try wrongType(value, "\(subject) must be \(expected()), not \(describe(value))")
        return false
    }

    mutating func wrongType(
        _ node: YAMLToken, _ message: String, notes: [Diagnostic.Note] = []
    ) throws(YAMLError) {
        report(.error, .wrongType, message, about: node, notes: notes)
        try reader.skip(afterToken: node)
    }

    /// Reports a key `table` does not define and skips its value. `place`
    /// names the mapping when the table's own place name does not fit (a job's
    /// `policy` has the keys of `job_fault`). Returns the key of `table` it is
    /// a near miss of (the "did you mean" of its note), which then explains
    /// that key's absence (``missingKeys(of:seen:explained:in:at:)``).
    @discardableResult
    mutating func unknownKey<K>(
        _ key: YAMLToken, value: YAMLToken, in table: KeyTable<K>, place: String? = nil
    ) throws(YAMLError) -> K? {
        var meant: K?
        let place = place ?? table.place
        var notes: [Diagnostic.Note] = []
        let spelt = string(key)
        if let elsewhere = SpecKeys.places.first(where: { $0.place != place && $0.keys.contains(spelt) }) {
            notes.append(.init("'\(spelt)' is a key of \(elsewhere.place), not of \(place); check its indentation"))
        } else if let guess = Names.suggestion(for: spelt, among: table) {
            notes.append(.init("did you mean '\(guess)'?"))
            meant = table.key(spelt: guess)
        } else {
            notes.append(.init("the keys of \(place) are \(Names.list(Array(table), conjunction: "and"))"))
        }
        report(.error, 
            .unknownKey, "unknown key '\(spelt)' in \(place)", about: key, notes: notes)
        try reader.skip(afterToken: value)
        return meant
    }

    /// Reports each required key of `table` the mapping starting at `start` lacks.
    /// `what` names the mapping ("machine 'vms50'", or the table's place).
    ///
    /// A key in `explained` is not reported: an unknown key of the same
    /// mapping (written in it or merged into it) is a near miss of it, and
    /// that typo is reported already. One mistake, one error — as compilers
    /// drop the errors that follow from one they reported (a typo in an
    /// anchored mapping that three machines merge would otherwise add a
    /// `missing-key` per merge).
    mutating func missingKeys<K>(
        of table: KeyTable<K>, seen: KeyMask, explained: KeyMask = KeyMask(), in what: @autoclosure () -> String,
        at start: YAMLToken
    ) {
        // Nearly every mapping has its required keys: one compare.
        if seen.isSuperset(of: table.requiredMask) { return }
        let what = what()
        for (key, example) in table.required where !seen.contains(key) && !explained.contains(key) {
            report(.error, 
                .missingKey, "missing key '\(table[key])' in \(what)", about: start,
                notes: [.init("add it, as in '\(example)'")])
        }
    }
}
