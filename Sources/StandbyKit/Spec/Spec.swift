/// A decoded spec (format version 1): machines, their OSes and jobs, and the
/// fault policies, as docs/model.md defines them.
///
/// Every size is already in whole bytes and already rounded to its machine's
/// granule (up, except the machine's memory, which is rounded down), and every
/// per-job policy already has the spec-wide defaults filled in. Names keep the
/// position they were written at, so later stages can point at them.
public struct Spec: Sendable, Hashable {
    /// The format version, `version:` in the file; 1 is the only one there is.
    public var version: Int
    /// The spec-wide fault policies (`policies:`), defaults filled in.
    public var policies: Policies
    /// The machines, in document order; names are unique among them.
    public var machines: [Machine]
    /// Where the `machines` list is written, when it was read from a file.
    public var machinesLocation: SourceLocation?
    /// Where `policies.faults` is written; `nil` when it was left to its default.
    public var faultsLocation: SourceLocation?

    /// A spec built in code: the default policies unless given, and no
    /// positions (a spec read from a file gets them from the decoder).
    public init(
        version: Int = 1, policies: Policies = Policies(), machines: [Machine],
        machinesLocation: SourceLocation? = nil, faultsLocation: SourceLocation? = nil
    ) {
        self.version = version
        self.policies = policies
        self.machines = machines
        self.machinesLocation = machinesLocation
        self.faultsLocation = faultsLocation
    }
}

/// The kinds of single fault the planner simulates.
///
/// A case is one fault of one kind at one place; `policies.faults` chooses
/// which kinds a plan simulates (all but `machine` by default). The raw
/// values are the names the spec, the command line and every report use.
public enum FaultKind: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    /// An active OS stops: its hot-standby regions are handed to their
    /// standbys, its ordinary jobs' regions return to the pool, and its
    /// ordinary jobs are lost. One case per active OS.
    case os
    /// One job faults, at each severity, and its policy says what happens
    /// (restart, stop or fail over). One case per job and severity.
    case job
    /// A standby OS stops: nothing moves, but the hot-standby jobs it protects
    /// are left without a standby. One case per standby OS.
    case standby
    /// As `os`, but a share of each of the failed OS's regions
    /// (`policies.memory_fault.lost`) cannot be read and is cut off; the pool's
    /// reserve covers what is lost. One case per active OS.
    case memory
    /// A whole machine stops and its memory is gone; only copies on standbys
    /// of other machines come back. One case per machine; not simulated
    /// unless `policies.faults` names it.
    case machine

    /// Case order in reports: the order of `allCases`.
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .os: 0
        case .job: 1
        case .standby: 2
        case .memory: 3
        case .machine: 4
        }
    }
}

/// How bad a job fault is: each job is simulated faulting at both, and its
/// ``JobFaultPolicy`` says what each does.
public enum Severity: String, CaseIterable, Sendable, Hashable, Codable {
    /// A fault the job survives by restarting, by default (`job_fault.light`).
    case light
    /// A fault that, by default, moves a hot-standby job to its standby (`job_fault.severe`).
    case severe
}

/// What happens to a job that faults.
public enum JobFaultAction: String, CaseIterable, Sendable, Hashable, Codable {
    /// Restart in place: nothing moves.
    case restart
    /// Stop the job: its region returns to its OS's free memory; the job is lost.
    case stop
    /// Move the job's region to its standby, as in an OS fault, while the OS runs on.
    case failover
}

/// The action for each severity of job fault.
public struct JobFaultPolicy: Sendable, Hashable, Codable {
    /// What a light fault does (default ``JobFaultAction/restart``).
    public var light: JobFaultAction
    /// What a severe fault does (default ``JobFaultAction/failover``).
    public var severe: JobFaultAction

    /// A policy of the two actions; the defaults are the spec's: restart a
    /// light fault, fail over a severe one.
    public init(light: JobFaultAction = .restart, severe: JobFaultAction = .failover) {
        self.light = light
        self.severe = severe
    }

    /// The action for a fault of `severity`.
    public subscript(severity: Severity) -> JobFaultAction {
        switch severity {
        case .light: light
        case .severe: severe
        }
    }
}

/// What becomes of a failed OS's own area.
public enum OSAreaPolicy: String, CaseIterable, Sendable, Hashable, Codable {
    /// The failed OS keeps it (its region's on-fault destination is the OS itself).
    case keep
    /// It returns to the monitor's pool.
    case release
}

/// An exact share between 0 and 1, written as a decimal percentage (`12.5%`).
///
/// Kept as a fraction of integers so that `size × share` is computed exactly.
public struct Percentage: Sendable, Hashable, CustomStringConvertible {
    /// `numerator / denominator` is the share (not the percent): 12.5% is 1 / 8.
    public let numerator: Int
    /// The share's denominator, above 0; in lowest terms for a share read
    /// from text (8 for `12.5%`).
    public let denominator: Int

    /// The share `numerator / denominator`; it must lie from 0 to 1
    /// (`0 ≤ numerator ≤ denominator`, `denominator > 0`), or the program
    /// stops. ``parse(_:)`` makes one from text and reports a bad one instead.
    public init(numerator: Int, denominator: Int) {
        precondition(denominator > 0 && numerator >= 0 && numerator <= denominator)
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `0%`: nothing.
    public static let zero = Percentage(numerator: 0, denominator: 1)
    /// `100%`: everything; the default share of memory lost in a `memory` fault.
    public static let full = Percentage(numerator: 1, denominator: 1)

    /// `⌈size × share⌉`, exact (128-bit intermediate), never above `size`.
    public func ceilPart(of size: Int) -> Int {
        precondition(size >= 0)
        let product = size.multipliedFullWidth(by: numerator)
        let (q, r) = denominator.dividingFullWidth(product)
        return r == 0 ? q : q + 1
    }

    /// The percent value as written canonically: `100%`, `12.5%`.
    public var description: String {
        // percent = numerator * 100 / denominator, shown with as many decimals as needed.
        var digits = 0
        var scale = 1
        while digits < 18 {
            let (p, o) = numerator.multipliedReportingOverflow(by: 100 * scale)
            if !o && p % denominator == 0 {
                let whole = p / denominator
                if digits == 0 { return "\(whole)%" }
                let s = String(whole)
                let padded = String(repeating: "0", count: max(0, digits + 1 - s.count)) + s
                let cut = padded.index(padded.endIndex, offsetBy: -digits)
                return "\(padded[..<cut]).\(padded[cut...])%"
            }
            digits += 1
            scale *= 10
        }
        return "\(Double(numerator) * 100 / Double(denominator))%"
    }
}

/// The spec-wide fault policies (the `policies:` mapping).
public struct Policies: Sendable, Hashable {
    /// The fault kinds to simulate, without repeats, in ``FaultKind`` order.
    public var faults: [FaultKind]
    /// The default action per severity for every job.
    public var jobFault: JobFaultPolicy
    /// What becomes of a failed OS's own area.
    public var osArea: OSAreaPolicy
    /// The share of each region of the failed OS that cannot be read in a `memory` fault.
    public var memoryLost: Percentage
    /// Whether a standby may draw from its machine's pool at failover.
    public var pool: Bool

    /// Policies with the spec's defaults for whatever is not given: every
    /// fault kind but `machine`, restart a light job fault and fail over a
    /// severe one, the failed OS keeps its area, all of a failed OS's memory
    /// lost in a `memory` fault, and standbys may draw from the pool.
    public init(
        faults: [FaultKind] = [.os, .job, .standby, .memory],
        jobFault: JobFaultPolicy = JobFaultPolicy(),
        osArea: OSAreaPolicy = .keep,
        memoryLost: Percentage = .full,
        pool: Bool = true
    ) {
        self.faults = faults
        self.jobFault = jobFault
        self.osArea = osArea
        self.memoryLost = memoryLost
        self.pool = pool
    }
}

/// One physical machine: its memory, the monitor's area, and its guest OSes.
public struct Machine: Sendable, Hashable {
    /// The machine's name, unique in the spec: case ids and reports start with it.
    public var name: String
    /// Main memory in bytes, rounded down to the granule.
    public var memory: Int
    /// The monitor's own area in bytes.
    public var monitor: Int
    /// The allocation unit in bytes (default 1 MiB).
    public var granule: Int
    /// Pool memory that start-up expansions may not use.
    public var reserve: Int
    /// OSes in document order.
    public var oses: [OS]
    /// Where the machine's `name` is written (the mapping's start when it has none).
    public var location: SourceLocation
    /// Where the `memory`, `monitor`, `reserve` values and the `oses` list are
    /// written, when read from a file (`nil` for a default or a spec built in code).
    public var memoryLocation: SourceLocation?
    /// Where `monitor` is written, when read from a file.
    public var monitorLocation: SourceLocation?
    /// Where `reserve` is written; `nil` when it was left to its default of 0.
    public var reserveLocation: SourceLocation?
    /// Where the `oses` list is written, when read from a file.
    public var osesLocation: SourceLocation?

    /// A machine built in code. Sizes are in bytes and are taken as given:
    /// rounding to `granule` is the decoder's work, so a spec built in code
    /// should already hold whole granules. Positions default to none.
    public init(
        name: String, memory: Int, monitor: Int, granule: Int = 1 << 20, reserve: Int = 0,
        oses: [OS], location: SourceLocation = .start,
        memoryLocation: SourceLocation? = nil, monitorLocation: SourceLocation? = nil,
        reserveLocation: SourceLocation? = nil, osesLocation: SourceLocation? = nil
    ) {
        self.name = name
        self.memory = memory
        self.monitor = monitor
        self.granule = granule
        self.reserve = reserve
        self.oses = oses
        self.location = location
        self.memoryLocation = memoryLocation
        self.monitorLocation = monitorLocation
        self.reserveLocation = reserveLocation
        self.osesLocation = osesLocation
    }
}

/// Whether an OS runs jobs or stands by to take them over.
public enum OSRole: String, CaseIterable, Sendable, Hashable, Codable {
    /// Runs jobs; when it fails, its hot-standby jobs move to their standbys.
    case active
    /// Runs no jobs of its own that fail over; it holds only what it needs to
    /// run itself until a fault hands it a failed job's region.
    case standby
}

/// A reference to an OS: `name` on the same machine, or `machine/name`.
public struct OSReference: Sendable, Hashable, CustomStringConvertible {
    /// `nil` for an OS on the referring machine.
    public var machine: String?
    /// The name of the OS referred to.
    public var os: String
    /// Where the reference is written. Not part of its identity: two
    /// references to the same OS are equal wherever they are written.
    public var location: SourceLocation

    /// A reference to OS `os`, on `machine` when it is on another machine.
    public init(machine: String? = nil, os: String, location: SourceLocation = .start) {
        self.machine = machine
        self.os = os
        self.location = location
    }

    /// As written: `os` or `machine/os`.
    public var description: String { machine.map { "\($0)/\(os)" } ?? os }

    /// Whether the two name the same OS (positions are not compared).
    public static func == (a: Self, b: Self) -> Bool { a.machine == b.machine && a.os == b.os }
    /// Hashes the machine and OS names, as `==` compares them.
    public func hash(into h: inout Hasher) {
        h.combine(machine)
        h.combine(os)
    }
}

/// A guest operating system.
public struct OS: Sendable, Hashable {
    /// The OS's name, unique on its machine among OSes and jobs (both name regions).
    public var name: String
    /// Whether it runs jobs or stands by to take them over.
    public var role: OSRole
    /// Allocation at boot, in bytes.
    public var memory: Int
    /// The OS's own use, never available to jobs, in bytes.
    public var kernel: Int
    /// Where its hot-standby jobs fail over, unless a job says otherwise.
    public var standby: OSReference?
    /// Started in this order.
    public var jobs: [Job]
    /// Where the OS's `name` is written (the mapping's start when it has none).
    public var location: SourceLocation
    /// Where the `memory` and `kernel` values are written, when read from a file.
    public var memoryLocation: SourceLocation?
    /// Where `kernel` is written, when read from a file.
    public var kernelLocation: SourceLocation?

    /// An OS built in code; sizes in bytes, positions default to none.
    public init(
        name: String, role: OSRole, memory: Int, kernel: Int, standby: OSReference? = nil,
        jobs: [Job] = [], location: SourceLocation = .start,
        memoryLocation: SourceLocation? = nil, kernelLocation: SourceLocation? = nil
    ) {
        self.name = name
        self.role = role
        self.memory = memory
        self.kernel = kernel
        self.standby = standby
        self.jobs = jobs
        self.location = location
        self.memoryLocation = memoryLocation
        self.kernelLocation = kernelLocation
    }
}

/// An application program started on an OS.
///
/// A fleet has hundreds of thousands of jobs, so the record is kept to 48
/// bytes behind its plain properties: the two sizes take four bytes each when
/// they are a short number times a power of two (as sizes rounded to a granule
/// are); the positions of `memory`, `hot_standby` and `standby_memory` take two
/// bytes each, relative to the name's; the flag and the policy share one byte;
/// and what most jobs lack — their own standby, sizes or positions that do not
/// pack — lives in a box allocated only for the jobs that have it.
public struct Job: Sendable, Hashable {
    /// The job's name, unique on its machine; its memory region bears it.
    public var name: String
    /// ``memory`` in the low 32 bits and ``standbyMemory`` in the high 32 (see
    /// ``Packing``); unused when `rare` holds them.
    private var packedSizes: UInt64
    /// The job's own standby, and what does not pack; `nil` for most jobs.
    private var rare: Rare?
    private var anchor: SourceLocation
    /// ``memoryLocation``, ``hotStandbyLocation`` and ``standbyMemoryLocation``
    /// packed near ``location`` (see ``Packing``); unused when `rare` holds them.
    private var packedMemoryAt: UInt16
    private var packedHotStandbyAt: UInt16
    private var packedStandbyMemoryAt: UInt16
    /// Bit 0: ``hotStandby``; bits 1–2 and 3–4: the ``policy`` actions.
    private var flags: UInt8

    /// A job built in code; sizes in bytes. `standbyMemory` defaults to
    /// `memory`, and `policy` should already be the effective one (the
    /// decoder fills in the spec's `job_fault` for a job read from a file).
    public init(
        name: String, memory: Int, hotStandby: Bool = false, standbyMemory: Int? = nil,
        standby: OSReference? = nil, policy: JobFaultPolicy = JobFaultPolicy(),
        location: SourceLocation = .start,
        memoryLocation: SourceLocation? = nil, hotStandbyLocation: SourceLocation? = nil,
        standbyMemoryLocation: SourceLocation? = nil, growth: GrowthRate? = nil
    ) {
        self.name = name
        self.packedSizes = 0
        self.rare = nil
        self.anchor = location
        self.packedMemoryAt = 0
        self.packedHotStandbyAt = 0
        self.packedStandbyMemoryAt = 0
        self.flags = Self.flags(hotStandby: hotStandby, policy: policy)
        // Most jobs: no standby or growth of their own, everything packs.
        if standby.isNone && growth.isNone, let memoryCode = Packing.code(memory),
            let standbyMemoryCode = Packing.code(standbyMemory ?? memory),
            let memoryAt = Packing.code(memoryLocation, near: location),
            let hotStandbyAt = Packing.code(hotStandbyLocation, near: location),
            let standbyMemoryAt = Packing.code(standbyMemoryLocation, near: location)
        {
            packedSizes = UInt64(standbyMemoryCode) << 32 | UInt64(memoryCode)
            (packedMemoryAt, packedHotStandbyAt, packedStandbyMemoryAt) = (memoryAt, hotStandbyAt, standbyMemoryAt)
            return
        }
        store(
            Unpacked(
                memory: memory, standbyMemory: standbyMemory ?? memory, standby: standby, growth: growth,
                memoryLocation: memoryLocation, hotStandbyLocation: hotStandbyLocation,
                standbyMemoryLocation: standbyMemoryLocation))
    }

    /// Its memory region, in bytes (above 0).
    public var memory: Int {
        get {
            if let rare, let wide = rare.wide { return wide.memory }
            return Packing.size(UInt32(truncatingIfNeeded: packedSizes))
        }
        set { update(\.memory, newValue) }
    }

    /// Whether the job is *hot-standby*: its region is recorded with its
    /// standby as the on-fault destination, and handed over when it fails.
    /// An ordinary job's region returns to the pool instead.
    public var hotStandby: Bool {
        get { flags & 1 != 0 }
        set { flags = Self.flags(hotStandby: newValue, policy: policy) }
    }

    /// What its standby copy needs, in bytes (defaults to ``memory``).
    public var standbyMemory: Int {
        get {
            if let rare, let wide = rare.wide { return wide.standbyMemory }
            return Packing.size(UInt32(truncatingIfNeeded: packedSizes >> 32))
        }
        set { update(\.standbyMemory, newValue) }
    }

    /// Overrides the OS's standby for this job.
    public var standby: OSReference? {
        get { rare?.standby }
        set { update(\.standby, newValue) }
    }

    /// Its own rate of growth per period (`growth:`), over the rate a
    /// `runway` question gives; `nil` for most jobs.
    public var growth: GrowthRate? {
        get { rare?.growth }
        set { update(\.growth, newValue) }
    }

    /// The effective action per severity: the job's own `policy` over the spec's `job_fault`.
    public var policy: JobFaultPolicy {
        get { JobFaultPolicy(light: Self.action(flags >> 1), severe: Self.action(flags >> 3)) }
        set { flags = Self.flags(hotStandby: hotStandby, policy: newValue) }
    }

    /// Where the job's `name` is written (the mapping's start when it has none).
    public var location: SourceLocation {
        get { anchor }
        set {
            let values = unpacked
            anchor = newValue
            store(values)
        }
    }

    /// Where the `memory`, `hot_standby` and `standby_memory` values are written,
    /// when read from a file (`standbyMemoryLocation` is `nil` when it defaults).
    public var memoryLocation: SourceLocation? {
        get {
            if let rare, let wide = rare.wide { return wide.memoryLocation }
            return Packing.location(packedMemoryAt, near: anchor)
        }
        set { update(\.memoryLocation, newValue) }
    }
    /// Where `hot_standby` is written, when it is.
    public var hotStandbyLocation: SourceLocation? {
        get {
            if let rare, let wide = rare.wide { return wide.hotStandbyLocation }
            return Packing.location(packedHotStandbyAt, near: anchor)
        }
        set { update(\.hotStandbyLocation, newValue) }
    }
    /// Where `standby_memory` is written; `nil` when it defaults to `memory`.
    public var standbyMemoryLocation: SourceLocation? {
        get {
            if let rare, let wide = rare.wide { return wide.standbyMemoryLocation }
            return Packing.location(packedStandbyMemoryAt, near: anchor)
        }
        set { update(\.standbyMemoryLocation, newValue) }
    }

    /// Sets the sizes given (`nil`: kept) in one store of the packed fields.
    mutating func setSizes(memory: Int?, standbyMemory: Int?) {
        var values = unpacked
        if let memory { values.memory = memory }
        if let standbyMemory { values.standbyMemory = standbyMemory }
        store(values)
    }

    /// Where this job fails over when it runs on `os`: its own standby, else the OS's.
    /// `nil` for an ordinary job.
    public func failoverTarget(on os: OS) -> OSReference? {
        hotStandby ? (standby ?? os.standby) : nil
    }

    /// Whether the two jobs are the same in every field, positions included.
    public static func == (a: Job, b: Job) -> Bool {
        a.name == b.name && a.flags == b.flags && a.anchor == b.anchor && a.unpacked == b.unpacked
    }

    /// Hashes every field that `==` compares.
    public func hash(into h: inout Hasher) {
        h.combine(name)
        h.combine(flags)
        h.combine(anchor)
        h.combine(unpacked)
    }

    // MARK: Storage

    /// The fields kept packed or in the box, as plain values.
    private struct Unpacked: Hashable, Sendable {
        var memory: Int
        var standbyMemory: Int
        var standby: OSReference?
        var growth: GrowthRate?
        var memoryLocation: SourceLocation?
        var hotStandbyLocation: SourceLocation?
        var standbyMemoryLocation: SourceLocation?
    }

    /// What only some jobs have: their own standby, their own growth.
    /// Immutable: a change stores a new box. One small allocation (64 bytes)
    /// in the usual case.
    private class Rare: @unchecked Sendable {
        let standby: OSReference?
        let growth: GrowthRate?

        init(standby: OSReference?, growth: GrowthRate?) {
            self.standby = standby
            self.growth = growth
        }

        /// Every packed field, exact, when one of them does not pack.
        var wide: Unpacked? { nil }
    }

    /// A box that also holds the fields that do not pack.
    private final class WideRare: Rare, @unchecked Sendable {
        let exact: Unpacked

        init(_ exact: Unpacked) {
            self.exact = exact
            super.init(standby: exact.standby, growth: exact.growth)
        }

        override var wide: Unpacked? { exact }
    }

    private var unpacked: Unpacked {
        if let exact = rare?.wide { return exact }
        return Unpacked(
            memory: Packing.size(UInt32(truncatingIfNeeded: packedSizes)),
            standbyMemory: Packing.size(UInt32(truncatingIfNeeded: packedSizes >> 32)),
            standby: rare?.standby, growth: rare?.growth,
            memoryLocation: Packing.location(packedMemoryAt, near: anchor),
            hotStandbyLocation: Packing.location(packedHotStandbyAt, near: anchor),
            standbyMemoryLocation: Packing.location(packedStandbyMemoryAt, near: anchor))
    }

    private mutating func update<Value>(_ field: WritableKeyPath<Unpacked, Value>, _ value: Value) {
        var values = unpacked
        values[keyPath: field] = value
        store(values)
    }

    private mutating func store(_ values: Unpacked) {
        if let memory = Packing.code(values.memory),
            let standbyMemory = Packing.code(values.standbyMemory),
            let memoryAt = Packing.code(values.memoryLocation, near: anchor),
            let hotStandbyAt = Packing.code(values.hotStandbyLocation, near: anchor),
            let standbyMemoryAt = Packing.code(values.standbyMemoryLocation, near: anchor)
        {
            packedSizes = UInt64(standbyMemory) << 32 | UInt64(memory)
            (packedMemoryAt, packedHotStandbyAt, packedStandbyMemoryAt) = (memoryAt, hotStandbyAt, standbyMemoryAt)
            rare = values.standby.isNone && values.growth.isNone ? nil : Rare(standby: values.standby, growth: values.growth)
        } else {
            packedSizes = 0
            (packedMemoryAt, packedHotStandbyAt, packedStandbyMemoryAt) = (0, 0, 0)
            rare = WideRare(values)
        }
    }

    /// The compact forms of sizes and positions.
    private enum Packing {
        /// A size in 32 bits when it is a number below 2^26 times a power of two
        /// (any multiple of 1 MiB up to 64 TiB, of 4 KiB up to 256 GiB, …): the
        /// power in the top six bits, the number in the low 26.
        static func code(_ size: Int) -> UInt32? {
            guard size > 0 else { return size == 0 ? 0 : nil }
            let shift = size.trailingZeroBitCount
            let number = size >> shift
            guard number < 1 << 26 else { return nil }
            return UInt32(shift) << 26 | UInt32(number)
        }

        static func size(_ code: UInt32) -> Int {
            Int(code & (1 << 26 - 1)) << Int(code >> 26)
        }

        /// A position in 16 bits when it lies from 32 lines above the name to
        /// 31 below, in columns 1 to 1023 — where a job's keys are, in block or
        /// flow style, unless long comments or lines come between: 0 is `nil`;
        /// otherwise the line offset + 32 in the top six bits and the column in
        /// the low ten.
        static func code(_ location: SourceLocation?, near anchor: SourceLocation) -> UInt16? {
            guard let location else { return 0 }
            let offset = location.line - anchor.line + 32
            guard (0..<64).contains(offset), (1..<1024).contains(location.column) else { return nil }
            return UInt16(offset) << 10 | UInt16(location.column)
        }

        static func location(_ code: UInt16, near anchor: SourceLocation) -> SourceLocation? {
            guard code != 0 else { return nil }
            return SourceLocation(line: anchor.line + Int(code >> 10) - 32, column: Int(code & (1 << 10 - 1)))
        }
    }

    private static func flags(hotStandby: Bool, policy: JobFaultPolicy) -> UInt8 {
        (hotStandby ? 1 : 0) | code(policy.light) << 1 | code(policy.severe) << 3
    }

    private static func code(_ action: JobFaultAction) -> UInt8 {
        switch action {
        case .restart: 0
        case .stop: 1
        case .failover: 2
        }
    }

    private static func action(_ bits: UInt8) -> JobFaultAction {
        switch bits & 3 {
        case 0: .restart
        case 1: .stop
        default: .failover
        }
    }
}

extension Optional {
    /// `self == nil`, without `==`: for an `Equatable` wrapped type that is
    /// not plain data (``OSReference`` holds strings), `== nil` compares
    /// through the generic `Optional` equality, copying both sides.
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
