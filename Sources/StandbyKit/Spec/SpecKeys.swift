import YAMLReader

/// The keys of one place of the spec format (the top level, a machine, …), in
/// the order docs/model.md lists them: their spellings, which are required with an
/// example for the `missing-key` note, and the name of the place for messages.
///
/// The one declaration of the format's keys: the decoder matches keys against
/// it, checks required keys with it, and draws the unknown-key notes (did you
/// mean, a key of another place, the list of keys) from it. Each key is also
/// kept as a ``YAMLText``, so matching a key compares two words of bytes and
/// makes no `String` (see docs/decisions.md, "Keys compared as bytes").
///
/// It is a sequence of the spellings, for the notes and for tests.
struct KeyTable<Key: RawRepresentable & CaseIterable & Sendable>: Sequence, Sendable where Key.RawValue == Int {
    /// "the spec", "a machine": where an unknown or missing key is, in messages.
    let place: String
    private let spellings: [String]
    /// Each spelling's bytes (every key of the format fits inline).
    private let words: [YAMLText.InlineWords]
    /// The required keys with the example under `missing-key` for each, in order.
    let required: [(key: Key, example: String)]
    /// The required keys as a mask, so a mapping that has them all is checked
    /// with one compare.
    let requiredMask: KeyMask

    /// One entry per case of `Key`, in the order of the cases.
    init(_ place: String, _ entries: KeyValuePairs<Key, (String, required: String?)>) {
        precondition(entries.map(\.key.rawValue) == Key.allCases.map(\.rawValue), "one entry per key, in order")
        self.place = place
        spellings = entries.map(\.value.0)
        words = spellings.map(Literal.words)
        required = entries.compactMap { entry in entry.value.required.map { (entry.key, $0) } }
        var mask = KeyMask()
        for (key, _) in required { mask.insert(key) }
        requiredMask = mask
    }

    /// The key whose spelling is the text of `token`, byte for byte.
    func match(_ token: YAMLToken) -> Key? {
        // At most seven keys per place: a few two-word compares.
        var i = 0
        while i < words.count {
            if token.hasText(words[i]) { return Key(rawValue: i) }
            i += 1
        }
        return nil
    }

    /// The spelling of `key`.
    subscript(key: Key) -> String { spellings[key.rawValue] }

    /// The key spelt `spelling`.
    func key(spelt spelling: String) -> Key? { spellings.firstIndex(of: spelling).flatMap { Key(rawValue: $0) } }

    func makeIterator() -> IndexingIterator<[String]> { spellings.makeIterator() }
}

/// Which keys of one mapping were seen, by their raw value: no allocation per mapping.
struct KeyMask: Sendable {
    private var bits: UInt32 = 0
    mutating func insert<Key: RawRepresentable>(_ key: Key) where Key.RawValue == Int { bits |= 1 << key.rawValue }
    func contains<Key: RawRepresentable>(_ key: Key) -> Bool where Key.RawValue == Int {
        bits & (1 << key.rawValue) != 0
    }
    /// `true` when every key of `other` is in this mask.
    func isSuperset(of other: KeyMask) -> Bool { bits & other.bits == other.bits }
}

enum TopKey: Int, CaseIterable { case version, policies, machines }
enum PoliciesKey: Int, CaseIterable { case faults, jobFault, osFault, memoryFault, pool }
enum JobFaultKey: Int, CaseIterable { case light, severe }
enum OSFaultKey: Int, CaseIterable { case osArea }
enum MemoryFaultKey: Int, CaseIterable { case lost }
enum MachineKey: Int, CaseIterable { case name, memory, monitor, granule, reserve, oses }
enum OSKey: Int, CaseIterable { case name, role, memory, kernel, standby, jobs }
enum JobKey: Int, CaseIterable { case name, memory, hotStandby, standbyMemory, standby, policy, growth }

/// The keys the spec format defines at each place (docs/model.md, "The spec").
enum SpecKeys {
    static let top = KeyTable<TopKey>(
        "the spec",
        [
            .version: ("version", required: "version: 1"), .policies: ("policies", required: nil),
            .machines: ("machines", required: "machines: [...]"),
        ])
    static let policies = KeyTable<PoliciesKey>(
        "policies",
        [
            .faults: ("faults", required: nil), .jobFault: ("job_fault", required: nil),
            .osFault: ("os_fault", required: nil), .memoryFault: ("memory_fault", required: nil),
            .pool: ("pool", required: nil),
        ])
    static let jobFault = KeyTable<JobFaultKey>(
        "job_fault", [.light: ("light", required: nil), .severe: ("severe", required: nil)])
    static let osFault = KeyTable<OSFaultKey>("os_fault", [.osArea: ("os_area", required: nil)])
    static let memoryFault = KeyTable<MemoryFaultKey>("memory_fault", [.lost: ("lost", required: nil)])
    static let machine = KeyTable<MachineKey>(
        "a machine",
        [
            .name: ("name", required: "name: vms50"), .memory: ("memory", required: "memory: 256Mi"),
            .monitor: ("monitor", required: "monitor: 32Mi"), .granule: ("granule", required: nil),
            .reserve: ("reserve", required: nil), .oses: ("oses", required: "oses: [...]"),
        ])
    static let os = KeyTable<OSKey>(
        "an OS",
        [
            .name: ("name", required: "name: active"), .role: ("role", required: "role: active"),
            .memory: ("memory", required: "memory: 160Mi"), .kernel: ("kernel", required: "kernel: 32Mi"),
            .standby: ("standby", required: nil), .jobs: ("jobs", required: nil),
        ])
    static let job = KeyTable<JobKey>(
        "a job",
        [
            .name: ("name", required: "name: A"), .memory: ("memory", required: "memory: 128Mi"),
            .hotStandby: ("hot_standby", required: nil), .standbyMemory: ("standby_memory", required: nil),
            .standby: ("standby", required: nil), .policy: ("policy", required: nil),
            .growth: ("growth", required: nil),
        ])

    /// Every place with its keys, for the note "'jobs' is a key of an OS" under
    /// a key written at the wrong level.
    static let places: [(place: String, keys: [String])] = [
        (top.place, Array(top)), (policies.place, Array(policies)), (machine.place, Array(machine)),
        (os.place, Array(os)), (job.place, Array(job)), (jobFault.place, Array(jobFault)),
        (osFault.place, Array(osFault)), (memoryFault.place, Array(memoryFault)),
    ]
}
