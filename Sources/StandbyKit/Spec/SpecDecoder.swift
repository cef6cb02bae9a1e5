import YAMLReader

/// Stage: bytes → typed ``Spec`` (MODEL.md, "The spec (format version 1)").
///
/// A streaming recursive-descent decoder over ``YAMLReader`` events: it never
/// builds a tree, so a fleet-sized spec stays in memory only as the ``Spec`` it
/// becomes. The recursion follows the schema's fixed depth (spec → machine → OS
/// → job → policy); anything unknown or of the wrong kind is skipped with the
/// reader's iterative ``YAMLReader/skip(after:)``, so no input can make it
/// recurse deeper.
///
/// Every problem in the document is reported, each at the node it is about.
/// Sizes are rounded to their machine's granule once the machine's mapping is
/// read (keys come in any order), and per-job policies are filled in from
/// `policies.job_fault` once the whole document is read (`policies` may come
/// last). A reader error (bad YAML, a limit) stops decoding: the diagnostics so
/// far are kept, with the reader's error added.
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
            return (nil, decoding.diagnostics)
        }
        return (decoding.diagnostics.hasErrors ? nil : spec, decoding.diagnostics)
    }

    /// The diagnostic for a reader error: its code, the reader's message, its hint
    /// as a note, the first occurrence of a duplicate key, and the flag that
    /// raises a limit.
    public static func diagnostic(for error: YAMLError) -> Diagnostic {
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

/// The keys the spec format defines at each place, in the order MODEL.md lists them.
enum SpecKeys {
    static let top = ["version", "policies", "machines"]
    static let policies = ["faults", "job_fault", "os_fault", "memory_fault", "pool"]
    static let jobFault = ["light", "severe"]
    static let osFault = ["os_area"]
    static let memoryFault = ["lost"]
    static let machine = ["name", "memory", "monitor", "granule", "reserve", "oses"]
    static let os = ["name", "role", "memory", "kernel", "standby", "jobs"]
    static let job = ["name", "memory", "hot_standby", "standby_memory", "standby", "policy"]

    /// Every place, for the note "'jobs' is a key of an OS" under a key written at the wrong level.
    static let places: [(place: String, keys: [String])] = [
        ("the spec", top), ("policies", policies), ("a machine", machine), ("an OS", os),
        ("a job", job), ("job_fault", jobFault), ("os_fault", osFault),
        ("memory_fault", memoryFault),
    ]
}

/// The keys of the format as scalar texts, compared without making a `String`.
enum Key {
    static let `true`: YAMLText = "true"
    static let `false`: YAMLText = "false"
    static let faults: YAMLText = "faults"
    static let granule: YAMLText = "granule"
    static let hotStandby: YAMLText = "hot_standby"
    static let jobFault: YAMLText = "job_fault"
    static let jobs: YAMLText = "jobs"
    static let kernel: YAMLText = "kernel"
    static let light: YAMLText = "light"
    static let lost: YAMLText = "lost"
    static let machines: YAMLText = "machines"
    static let memory: YAMLText = "memory"
    static let memoryFault: YAMLText = "memory_fault"
    static let monitor: YAMLText = "monitor"
    static let name: YAMLText = "name"
    static let osArea: YAMLText = "os_area"
    static let osFault: YAMLText = "os_fault"
    static let oses: YAMLText = "oses"
    static let policies: YAMLText = "policies"
    static let policy: YAMLText = "policy"
    static let pool: YAMLText = "pool"
    static let reserve: YAMLText = "reserve"
    static let role: YAMLText = "role"
    static let severe: YAMLText = "severe"
    static let standby: YAMLText = "standby"
    static let standbyMemory: YAMLText = "standby_memory"
    static let version: YAMLText = "version"
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
    private var overrides: [(ordinal: Int, light: JobFaultAction?, severe: JobFaultAction?)] = []
    /// Jobs decoded so far; only read back when the document has no error, in
    /// which case every decoded job is in the spec, in this order.
    private var jobCount = 0

    init(reader: YAMLReader) {
        self.reader = reader
    }

    // MARK: - Document and top level

    mutating func document() throws(YAMLError) -> Spec? {
        let first = try reader.next()
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
        _ = try reader.next()
        return spec
    }

    private mutating func emptySpec() {
        diagnostics.error(
            .emptySpec, "the spec is empty", at: .start,
            notes: [.init("a spec starts with 'version: 1' and lists its machines under 'machines:'")])
    }

    private mutating func top(_ start: YAMLEvent) throws(YAMLError) -> Spec? {
        var versionSeen = false
        var policies = Policies()
        var faultsLocation: SourceLocation?
        var machines: [Machine]?
        var machinesLocation: SourceLocation?
        var machinesSeen = false
        while let key = try nextKey() {
            let value = try reader.next()
            switch key.text {
            case Key.version:
                versionSeen = true
                try version(value)
            case Key.policies:
                try self.policies(value, into: &policies, faultsLocation: &faultsLocation)
            case Key.machines:
                machinesSeen = true
                machinesLocation = SourceLocation(value.mark)
                machines = try listOfMappings(value, key: "machines") { (d, item) throws(YAMLError) in try d.machine(item) }
            default:
                try unknownKey(key, value: value, in: "the spec", valid: SpecKeys.top)
            }
        }
        if !versionSeen { missingKey("version", in: "the spec", at: start, example: "version: 1") }
        if !machinesSeen {
            missingKey("machines", in: "the spec", at: start, example: "machines: [...]")
        }
        guard var machines else { return nil }
        applyJobPolicies(policies.jobFault, to: &machines)
        return Spec(
            version: 1, policies: policies, machines: machines, machinesLocation: machinesLocation,
            faultsLocation: faultsLocation)
    }

    private mutating func version(_ value: YAMLEvent) throws(YAMLError) {
        guard value.kind == .scalar, !isNull(value) else {
            return try wrongType(value, "'version' must be the number 1, not \(describe(value))")
        }
        if value.style.isQuoted || value.tag == .str {
            diagnostics.error(
                .wrongType, "'version' must be the number 1, not a string", at: SourceLocation(value.mark),
                notes: [.init("remove the quotes: write 'version: 1'")])
            return
        }
        if value.value != "1" {
            diagnostics.error(
                .unsupportedVersion, "spec format version '\(value.value)' is not supported",
                at: SourceLocation(value.mark),
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
        _ start: YAMLEvent, into policies: inout Policies, faultsLocation: inout SourceLocation?
    ) throws(YAMLError) {
        guard try expectMapping(start, key: "policies") else { return }
        while let key = try nextKey() {
            let value = try reader.next()
            switch key.text {
            case Key.faults:
                faultsLocation = SourceLocation(value.mark)
                if let faults = try self.faults(value) { policies.faults = faults }
            case Key.jobFault:
                let (light, severe) = try jobFaultPolicy(value, key: "job_fault")
                if let light { policies.jobFault.light = light }
                if let severe { policies.jobFault.severe = severe }
            case Key.osFault:
                guard try expectMapping(value, key: "os_fault") else { continue }
                while let key = try nextKey() {
                    let value = try reader.next()
                    if key.text == Key.osArea {
                        if let area = try enumValue(value, OSAreaPolicy.self, key: "os_area") {
                            policies.osArea = area
                        }
                    } else {
                        try unknownKey(key, value: value, in: "os_fault", valid: SpecKeys.osFault)
                    }
                }
            case Key.memoryFault:
                guard try expectMapping(value, key: "memory_fault") else { continue }
                while let key = try nextKey() {
                    let value = try reader.next()
                    if key.text == Key.lost {
                        if let lost = try percentage(value, key: "lost") { policies.memoryLost = lost }
                    } else {
                        try unknownKey(key, value: value, in: "memory_fault", valid: SpecKeys.memoryFault)
                    }
                }
            case Key.pool:
                if let pool = try boolean(value, key: "pool") { policies.pool = pool.value }
            default:
                try unknownKey(key, value: value, in: "policies", valid: SpecKeys.policies)
            }
        }
    }

    /// The fault kinds, without repeats, in ``FaultKind`` order; a repeat is a warning.
    private mutating func faults(_ start: YAMLEvent) throws(YAMLError) -> [FaultKind]? {
        guard try expectSequence(start, key: "faults") else { return nil }
        var seen: [FaultKind: SourceLocation] = [:]
        var valid = true
        while let item = try nextItem() {
            guard let kind = try enumValue(item, FaultKind.self, key: "faults", item: true) else {
                valid = false
                continue
            }
            let at = SourceLocation(item.mark)
            if let first = seen[kind] {
                diagnostics.warning(
                    .duplicateFaultKind, "fault kind '\(kind.rawValue)' is listed twice", at: at,
                    notes: [.init("remove this one; it was first listed here", at: first)])
            } else {
                seen[kind] = at
            }
        }
        return valid ? FaultKind.allCases.filter { seen[$0] != nil } : nil
    }

    /// A `{light, severe}` mapping: the actions it sets.
    private mutating func jobFaultPolicy(_ start: YAMLEvent, key name: String)
        throws(YAMLError) -> (JobFaultAction?, JobFaultAction?)
    {
        var light: JobFaultAction?
        var severe: JobFaultAction?
        guard try expectMapping(start, key: name) else { return (nil, nil) }
        while let key = try nextKey() {
            let value = try reader.next()
            switch key.text {
            case Key.light: light = try enumValue(value, JobFaultAction.self, key: "light")
            case Key.severe: severe = try enumValue(value, JobFaultAction.self, key: "severe")
            default: try unknownKey(key, value: value, in: name, valid: SpecKeys.jobFault)
            }
        }
        return (light, severe)
    }

    /// A list whose items are mappings (`machines`, `oses`, `jobs`), each decoded
    /// by `element`. `nil` when the list or any item is invalid; every item is
    /// still read, so one run reports every problem.
    private mutating func listOfMappings<Element>(
        _ start: YAMLEvent, key: String,
        element: (inout SpecDecoding, YAMLEvent) throws(YAMLError) -> Element?
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

    // MARK: - Machines


    private mutating func machine(_ start: YAMLEvent) throws(YAMLError) -> Machine? {
        var name: Located<String>?
        var memory: Located<Int>?
        var monitor: Located<Int>?
        var granule: Located<Int>?
        var reserve: Located<Int>?
        var oses: [OS]?
        var osesLocation: SourceLocation?
        var seen = KeyMask()
        while let key = try nextKey() {
            let value = try reader.next()
            switch key.text {
            case Key.name:
                seen.insert(0)
                name = try self.name(value, key: "name")
            case Key.memory:
                seen.insert(1)
                memory = try size(value, key: "memory")
            case Key.monitor:
                seen.insert(2)
                monitor = try size(value, key: "monitor")
            case Key.granule:
                seen.insert(3)
                granule = try size(value, key: "granule")
                if let g = granule, g.value == 0 {
                    diagnostics.error(
                        .invalidGranule, "'granule' must be above 0", at: g.location,
                        notes: [.init("remove it for the default of 1Mi, or write a size such as 4Ki")])
                    granule = nil
                }
            case Key.reserve:
                seen.insert(4)
                reserve = try size(value, key: "reserve")
            case Key.oses:
                seen.insert(5)
                osesLocation = SourceLocation(value.mark)
                oses = try listOfMappings(value, key: "oses") { (d, item) throws(YAMLError) in try d.os(item) }
            default:
                try unknownKey(key, value: value, in: "a machine", valid: SpecKeys.machine)
            }
        }
        for (bit, key, example) in Self.requiredMachineKeys where !seen.contains(bit) {
            missingKey(key, in: name.map { "machine '\($0.value)'" } ?? "a machine", at: start, example: example)
        }
        guard let name, var memory, var monitor, var oses else { return nil }
        if seen.contains(3) && granule == nil || seen.contains(4) && reserve == nil {
            return nil
        }
        let g = granule?.value ?? (1 << 20)
        var reserveValue = reserve ?? Located(value: 0, location: start.location)
        // Round now that the granule is known; the machine's memory rounds down so
        // that rounding never invents memory the machine does not have.
        var valid = true
        memory.value = roundDown(memory, to: g, key: "memory")
        valid = roundUp(&monitor, to: g, key: "monitor") && valid
        if reserve != nil { valid = roundUp(&reserveValue, to: g, key: "reserve") && valid }
        for o in oses.indices {
            valid = roundUp(&oses[o].memory, at: oses[o].memoryLocation, to: g, key: "memory") && valid
            valid = roundUp(&oses[o].kernel, at: oses[o].kernelLocation, to: g, key: "kernel") && valid
            for j in oses[o].jobs.indices {
                // Read the locations alone: copying the whole job would retain its strings.
                let memoryAt = oses[o].jobs[j].memoryLocation
                let standbyMemoryAt = oses[o].jobs[j].standbyMemoryLocation
                valid = roundUp(&oses[o].jobs[j].memory, at: memoryAt, to: g, key: "memory") && valid
                if standbyMemoryAt == nil {
                    oses[o].jobs[j].standbyMemory = oses[o].jobs[j].memory
                } else {
                    valid =
                        roundUp(
                            &oses[o].jobs[j].standbyMemory, at: standbyMemoryAt, to: g, key: "standby_memory")
                        && valid
                }
            }
        }
        guard valid else { return nil }
        return Machine(
            name: name.value, memory: memory.value, monitor: monitor.value, granule: g,
            reserve: reserveValue.value, oses: oses, location: name.location,
            memoryLocation: memory.location, monitorLocation: monitor.location,
            reserveLocation: reserve?.location, osesLocation: osesLocation)
    }


    private mutating func os(_ start: YAMLEvent) throws(YAMLError) -> OS? {
        var name: Located<String>?
        var role: OSRole?
        var memory: Located<Int>?
        var kernel: Located<Int>?
        var standby: OSReference?
        var jobs: [Job]? = []
        var seen = KeyMask()
        var valid = true
        while let key = try nextKey() {
            let value = try reader.next()
            switch key.text {
            case Key.name:
                seen.insert(0)
                name = try self.name(value, key: "name")
            case Key.role:
                seen.insert(1)
                role = try enumValue(value, OSRole.self, key: "role")
            case Key.memory:
                seen.insert(2)
                memory = try size(value, key: "memory")
            case Key.kernel:
                seen.insert(3)
                kernel = try size(value, key: "kernel")
            case Key.standby:
                standby = try reference(value, key: "standby")
                valid = valid && standby != nil
            case Key.jobs:
                jobs = try listOfMappings(value, key: "jobs") { (d, item) throws(YAMLError) in try d.job(item) }
            default:
                try unknownKey(key, value: value, in: "an OS", valid: SpecKeys.os)
            }
        }
        for (bit, key, example) in Self.requiredOSKeys where !seen.contains(bit) {
            missingKey(key, in: name.map { "OS '\($0.value)'" } ?? "an OS", at: start, example: example)
        }
        guard valid, let name, let role, let memory, let kernel, let jobs else { return nil }
        return OS(
            name: name.value, role: role, memory: memory.value, kernel: kernel.value,
            standby: standby, jobs: jobs, location: name.location,
            memoryLocation: memory.location, kernelLocation: kernel.location)
    }


    private mutating func job(_ start: YAMLEvent) throws(YAMLError) -> Job? {
        var name: Located<String>?
        var memory: Located<Int>?
        var hotStandby: Located<Bool>?
        var standbyMemory: Located<Int>?
        var standby: OSReference?
        var light: JobFaultAction?
        var severe: JobFaultAction?
        var nameSeen = false
        var memorySeen = false
        var valid = true
        while let key = try nextKey() {
            let value = try reader.next()
            switch key.text {
            case Key.name:
                nameSeen = true
                name = try self.name(value, key: "name")
            case Key.memory:
                memorySeen = true
                memory = try size(value, key: "memory")
                if let m = memory, m.value == 0 {
                    diagnostics.error(
                        .jobMemoryZero, "a job's 'memory' must be above 0", at: m.location,
                        notes: [.init("give the job the memory its region needs, or remove the job")])
                    memory = nil
                }
            case Key.hotStandby:
                hotStandby = try boolean(value, key: "hot_standby")
                valid = valid && hotStandby != nil
            case Key.standbyMemory:
                standbyMemory = try size(value, key: "standby_memory")
                valid = valid && standbyMemory != nil
            case Key.standby:
                standby = try reference(value, key: "standby")
                valid = valid && standby != nil
            case Key.policy:
                (light, severe) = try jobFaultPolicy(value, key: "policy")
            default:
                try unknownKey(key, value: value, in: "a job", valid: SpecKeys.job)
            }
        }
        if !nameSeen { missingKey("name", in: "a job", at: start, example: "name: A") }
        if !memorySeen {
            missingKey("memory", in: name.map { "job '\($0.value)'" } ?? "a job", at: start, example: "memory: 128Mi")
        }
        guard valid, let name, let memory else { return nil }
        if light != nil || severe != nil {
            overrides.append((jobCount, light, severe))
        }
        jobCount += 1
        return Job(
            name: name.value, memory: memory.value, hotStandby: hotStandby?.value ?? false,
            standbyMemory: standbyMemory?.value, standby: standby, location: name.location,
            memoryLocation: memory.location, hotStandbyLocation: hotStandby?.location,
            standbyMemoryLocation: standbyMemory?.location)
    }

    /// The required keys of a machine and an OS: their bit in the mapping's
    /// ``KeyMask``, and an example for the note under `missing-key`.
    private static let requiredMachineKeys = [
        (0, "name", "name: vms50"), (1, "memory", "memory: 256Mi"), (2, "monitor", "monitor: 32Mi"),
        (5, "oses", "oses: [...]"),
    ]
    private static let requiredOSKeys = [
        (0, "name", "name: active"), (1, "role", "role: active"), (2, "memory", "memory: 160Mi"),
        (3, "kernel", "kernel: 32Mi"),
    ]

    // MARK: - Rounding

    private mutating func roundDown(_ size: Located<Int>, to granule: Int, key: String) -> Int {
        let rounded = Quantity.roundDown(size.value, to: granule)
        if rounded != size.value { rounding(size.value, to: rounded, granule: granule, at: size.location, key: key, up: false) }
        return rounded
    }

    private mutating func roundUp(_ size: inout Located<Int>, to granule: Int, key: String) -> Bool {
        roundUp(&size.value, at: size.location, to: granule, key: key)
    }

    /// Rounds `size` up in place; `false` (with an error) when that passes 2^63−1.
    private mutating func roundUp(
        _ size: inout Int, at location: SourceLocation?, to granule: Int, key: String
    ) -> Bool {
        guard let rounded = Quantity.roundUp(size, to: granule) else {
            diagnostics.error(
                .sizeOutOfRange,
                "'\(key)' rounded up to the granule passes the largest size, \(Int.max) bytes",
                at: location ?? .start)
            return false
        }
        if rounded != size {
            rounding(size, to: rounded, granule: granule, at: location ?? .start, key: key, up: true)
        }
        size = rounded
        return true
    }

    private mutating func rounding(
        _ size: Int, to rounded: Int, granule: Int, at location: SourceLocation, key: String, up: Bool
    ) {
        diagnostics.warning(
            .roundedSize,
            "'\(key)' rounded \(up ? "up" : "down") from \(Size.describe(size)) to \(Size.describe(rounded)), "
                + "a multiple of the \(Size.describe(granule)) granule",
            at: location,
            notes: [.init("write '\(Quantity.literal(rounded))', or set a smaller 'granule' on the machine")])
    }

    // MARK: - Values

    private mutating func size(_ value: YAMLEvent, key: String) throws(YAMLError) -> Located<Int>? {
        guard try expectScalar(value, key: key, expected: "a size", allowed: [.str, .int]) else {
            return nil
        }
        let at = SourceLocation(value.mark)
        switch value.text.withUTF8({ Quantity.parse(bytes: $0) }) {
        case .success(let bytes):
            return Located(value: bytes, location: at)
        case .failure(.syntax(let hint)):
            var notes: [Diagnostic.Note] = []
            if let hint { notes.append(.init(hint)) }
            notes.append(.init(Quantity.acceptedForms))
            diagnostics.error(.invalidSize, "'\(value.value)' is not a size", at: at, notes: notes)
        case .failure(.negative):
            diagnostics.error(
                .sizeOutOfRange, "'\(key)' cannot be negative: '\(value.value)'", at: at,
                notes: [.init("remove the minus sign")])
        case .failure(.tooLarge):
            diagnostics.error(
                .sizeOutOfRange, "'\(value.value)' is larger than the largest size, \(Int.max) bytes",
                at: at, notes: [.init("sizes go up to 2^63-1 bytes, just under 8Ei")])
        case .failure(.fractionalBytes):
            diagnostics.error(
                .sizeOutOfRange, "'\(value.value)' is not a whole number of bytes", at: at,
                notes: [.init("a fraction must come to whole bytes, as '1.5Gi' does; write the size in a smaller unit")])
        }
        return nil
    }

    private mutating func percentage(_ value: YAMLEvent, key: String) throws(YAMLError) -> Percentage? {
        guard try expectScalar(value, key: key, expected: "a percentage", allowed: [.str]) else {
            return nil
        }
        switch Percentage.parse(value.value) {
        case .success(let p):
            return p
        case .failure(let failure):
            var notes: [Diagnostic.Note] = []
            switch failure {
            case .syntax(let hint?): notes.append(.init(hint))
            case .syntax(nil): break
            case .tooLarge: notes.append(.init("a share of a region is at most 100%"))
            case .tooPrecise:
                notes.append(.init("write at most \(Percentage.maxDecimals) digits after the decimal point"))
            }
            notes.append(.init("a percentage is 0% to 100%, decimals allowed, such as 12.5%"))
            diagnostics.error(
                .invalidPercentage, "'\(value.value)' is not a percentage from 0% to 100%",
                at: SourceLocation(value.mark), notes: notes)
            return nil
        }
    }

    private mutating func boolean(_ value: YAMLEvent, key: String) throws(YAMLError) -> Located<Bool>? {
        let at = SourceLocation(value.mark)
        if value.kind == .scalar && !isNull(value) && (value.style.isQuoted || value.tag == .str) {
            let text = value.value
            var notes: [Diagnostic.Note] = []
            switch text.lowercased() {
            case "true", "false": notes.append(.init("remove the quotes: write '\(text.lowercased())'"))
            default: notes.append(.init("write true or false, without quotes"))
            }
            diagnostics.error(.wrongType, "'\(key)' must be true or false, not a string", at: at, notes: notes)
            return nil
        }
        guard try expectScalar(value, key: key, expected: "true or false", allowed: [.bool]) else {
            return nil
        }
        switch value.text {
        case Key.true: return Located(value: true, location: at)
        case Key.false: return Located(value: false, location: at)
        default: break
        }
        let text = value.value
        let note: String
        switch text.lowercased() {
        case "true", "yes", "y", "on": note = "write 'true'"
        case "false", "no", "n", "off": note = "write 'false'"
        default: note = "write 'true' or 'false'"
        }
        diagnostics.error(
            .invalidBoolean, "'\(text)' is not a boolean; only true and false are (YAML 1.2)", at: at,
            notes: [.init(note)])
        return nil
    }

    private mutating func name(_ value: YAMLEvent, key: String) throws(YAMLError) -> Located<String>? {
        guard try expectScalar(value, key: key, expected: "a name", allowed: [.str]) else { return nil }
        let at = SourceLocation(value.mark)
        if let problem = Names.problem(with: value.value) {
            diagnostics.error(
                .invalidName, "'\(value.value)' is not a valid name: it \(problem)", at: at,
                notes: [.init(Names.rule)])
            return nil
        }
        return Located(value: value.value, location: at)
    }

    private mutating func reference(_ value: YAMLEvent, key: String) throws(YAMLError) -> OSReference? {
        guard try expectScalar(value, key: key, expected: "a reference to an OS", allowed: [.str]) else {
            return nil
        }
        let at = SourceLocation(value.mark)
        guard let parts = Names.reference(value.value) else {
            diagnostics.error(
                .invalidReference, "'\(value.value)' is not a reference to an OS", at: at,
                notes: [
                    .init("write the OS's name for an OS on this machine, or machine/os for one on another machine"),
                    .init(Names.rule),
                ])
            return nil
        }
        return OSReference(machine: parts.machine, os: parts.os, location: at)
    }

    private mutating func enumValue<E: RawRepresentable & CaseIterable>(
        _ value: YAMLEvent, _ type: E.Type, key: String, item: Bool = false
    ) throws(YAMLError) -> E? where E.RawValue == String {
        guard
            try expectScalar(
                value, key: key, expected: "one of \(Names.list(E.allCases.map(\.rawValue)))", allowed: [.str],
                item: item)
        else { return nil }
        if let e = E(rawValue: value.value) { return e }
        let allowed = E.allCases.map(\.rawValue)
        var notes: [Diagnostic.Note] = []
        if let guess = Names.suggestion(for: value.value, among: allowed) {
            notes.append(.init("did you mean '\(guess)'?"))
        }
        notes.append(.init("'\(key)' is one of \(Names.list(allowed))"))
        diagnostics.error(
            .invalidValue, "'\(value.value)' is not a valid \(item ? "fault kind" : "'\(key)'")",
            at: SourceLocation(value.mark), notes: notes)
        return nil
    }

    // MARK: - Structure

    /// The next key of the mapping being read, or `nil` at its end.
    private func nextKey() throws(YAMLError) -> YAMLEvent? {
        let key = try reader.next()
        // The reader guarantees scalar keys (it reports any other as complex-key).
        return key.kind == .scalar ? key : nil
    }

    /// The next item of the sequence being read, or `nil` at its end.
    private func nextItem() throws(YAMLError) -> YAMLEvent? {
        let item = try reader.next()
        return item.startsNode ? item : nil
    }

    private mutating func expectMapping(_ value: YAMLEvent, key: String) throws(YAMLError) -> Bool {
        if value.kind == .mappingStart { return true }
        try wrongType(value, "'\(key)' must be a mapping, not \(describe(value))")
        return false
    }

    private mutating func expectSequence(_ value: YAMLEvent, key: String) throws(YAMLError) -> Bool {
        if value.kind == .sequenceStart { return true }
        let empty = isNull(value) ? [Diagnostic.Note("write '\(key): []' for an empty list")] : []
        try wrongType(value, "'\(key)' must be a list, not \(describe(value))", notes: empty)
        return false
    }

    /// `true` when `value` is a scalar that is not null and carries no tag but
    /// `allowed`; otherwise reports `wrong-type` and skips the node.
    private mutating func expectScalar(
        _ value: YAMLEvent, key: String, expected: @autoclosure () -> String, allowed: TagSet,
        item: Bool = false
    ) throws(YAMLError) -> Bool {
        // Built only when reporting: this runs for every scalar of the spec.
        var subject: String { item ? "an item of '\(key)'" : "'\(key)'" }
        if value.kind == .scalar && !isNull(value) {
            if let tag = value.tag, !allowed.contains(TagSet(tag)) {
                diagnostics.error(
                    .wrongType, "\(subject) must be \(expected()), not a value tagged '!!\(tag)'",
                    at: SourceLocation(value.mark), notes: [.init("remove the tag")])
                return false
            }
            // A plain true/false is a boolean in YAML 1.2: it is not a name or a size.
            if value.tag == nil && value.style == .plain && !allowed.contains(.bool)
                && (value.text == Key.true || value.text == Key.false)
            {
                diagnostics.error(
                    .wrongType, "\(subject) must be \(expected()), not a boolean",
                    at: SourceLocation(value.mark),
                    notes: [.init("quote it to write the text '\(value.value)'")])
                return false
            }
            return true
        }
        try wrongType(value, "\(subject) must be \(expected()), not \(describe(value))")
        return false
    }

    private mutating func wrongType(
        _ node: YAMLEvent, _ message: String, notes: [Diagnostic.Note] = []
    ) throws(YAMLError) {
        diagnostics.error(.wrongType, message, at: SourceLocation(node.mark), notes: notes)
        try reader.skip(after: node)
    }

    private mutating func unknownKey(
        _ key: YAMLEvent, value: YAMLEvent, in place: String, valid: [String]
    ) throws(YAMLError) {
        var notes: [Diagnostic.Note] = []
        if let elsewhere = SpecKeys.places.first(where: { $0.place != place && $0.keys.contains(key.value) }) {
            notes.append(.init("'\(key.value)' is a key of \(elsewhere.place), not of \(place); check its indentation"))
        } else if let guess = Names.suggestion(for: key.value, among: valid) {
            notes.append(.init("did you mean '\(guess)'?"))
        } else {
            notes.append(.init("the keys of \(place) are \(Names.list(valid, conjunction: "and"))"))
        }
        diagnostics.error(
            .unknownKey, "unknown key '\(key.value)' in \(place)", at: SourceLocation(key.mark), notes: notes)
        try reader.skip(after: value)
    }

    private mutating func missingKey(
        _ key: String, in what: String, at start: YAMLEvent, example: String
    ) {
        diagnostics.error(
            .missingKey, "missing key '\(key)' in \(what)", at: SourceLocation(start.mark),
            notes: [.init("add it, as in '\(example)'")])
    }

    // MARK: - Scalars

    private func isNull(_ event: YAMLEvent) -> Bool {
        guard event.kind == .scalar else { return false }
        if event.tag == .null { return true }
        guard event.tag == nil && event.style == .plain else { return false }
        // Most scalars are sizes and names: rule them out by their first byte.
        switch event.text.first {
        case nil: return true
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            switch event.value {
            case "~", "null", "Null", "NULL": return true
            default: return false
            }
        default: return false
        }
    }

    /// What a node is, for "must be a size, not a list".
    private func describe(_ event: YAMLEvent) -> String {
        switch event.kind {
        case .mappingStart: return "a mapping"
        case .sequenceStart: return "a list"
        case .scalar:
            if isNull(event) { return "null (no value)" }
            if event.style.isQuoted || event.tag == .str { return "a string" }
            switch event.value {
            case "true", "false": return "a boolean"
            default:
                return event.value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                    ? "a number" : "a string"
            }
        default: return "nothing"
        }
    }
}

extension YAMLEvent {
    fileprivate var location: SourceLocation { SourceLocation(mark) }
}

/// The core tags a scalar may carry where a value is expected: a bit set, so
/// that checking one costs no allocation.
struct TagSet: OptionSet {
    let rawValue: UInt8
    static let str = TagSet(rawValue: 1)
    static let int = TagSet(rawValue: 2)
    static let bool = TagSet(rawValue: 4)

    init(rawValue: UInt8) { self.rawValue = rawValue }
    init(_ tag: YAMLTag) {
        switch tag {
        case .str: self = .str
        case .int: self = .int
        case .bool: self = .bool
        default: self = TagSet(rawValue: 0x80)
        }
    }
}

/// Which keys of one mapping were seen, as bits: no allocation per mapping.
struct KeyMask {
    private var bits: UInt32 = 0
    mutating func insert(_ bit: Int) { bits |= 1 << bit }
    func contains(_ bit: Int) -> Bool { bits & (1 << bit) != 0 }
}
