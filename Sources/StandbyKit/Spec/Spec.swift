/// A decoded spec (format version 1): machines, their OSes and jobs, and the
/// fault policies, as `shared` MODEL.md defines them.
///
/// Every size is already in whole bytes and already rounded to its machine's
/// granule (up, except the machine's memory, which is rounded down), and every
/// per-job policy already has the spec-wide defaults filled in. Names keep the
/// position they were written at, so later stages can point at them.
public struct Spec: Sendable, Hashable {
    public var version: Int
    public var policies: Policies
    public var machines: [Machine]
    /// Where the `machines` list is written, when it was read from a file.
    public var machinesLocation: SourceLocation?
    /// Where `policies.faults` is written; `nil` when it was left to its default.
    public var faultsLocation: SourceLocation?

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
public enum FaultKind: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    case os, job, standby, memory, machine

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

/// How bad a job fault is.
public enum Severity: String, CaseIterable, Sendable, Hashable, Codable {
    case light, severe
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
    public var light: JobFaultAction
    public var severe: JobFaultAction

    public init(light: JobFaultAction = .restart, severe: JobFaultAction = .failover) {
        self.light = light
        self.severe = severe
    }

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
    /// `numerator / denominator` is the share (not the percent): 12.5% is 125 / 1000.
    public let numerator: Int
    public let denominator: Int

    public init(numerator: Int, denominator: Int) {
        precondition(denominator > 0 && numerator >= 0 && numerator <= denominator)
        self.numerator = numerator
        self.denominator = denominator
    }

    public static let zero = Percentage(numerator: 0, denominator: 1)
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
    public var monitorLocation: SourceLocation?
    public var reserveLocation: SourceLocation?
    public var osesLocation: SourceLocation?

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
    case active, standby
}

/// A reference to an OS: `name` on the same machine, or `machine/name`.
public struct OSReference: Sendable, Hashable, CustomStringConvertible {
    /// `nil` for an OS on the referring machine.
    public var machine: String?
    public var os: String
    public var location: SourceLocation

    public init(machine: String? = nil, os: String, location: SourceLocation = .start) {
        self.machine = machine
        self.os = os
        self.location = location
    }

    /// As written: `os` or `machine/os`.
    public var description: String { machine.map { "\($0)/\(os)" } ?? os }

    public static func == (a: Self, b: Self) -> Bool { a.machine == b.machine && a.os == b.os }
    public func hash(into h: inout Hasher) {
        h.combine(machine)
        h.combine(os)
    }
}

/// A guest operating system.
public struct OS: Sendable, Hashable {
    public var name: String
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
    public var kernelLocation: SourceLocation?

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
public struct Job: Sendable, Hashable {
    public var name: String
    /// Its memory region, in bytes (above 0).
    public var memory: Int
    public var hotStandby: Bool
    /// What its standby copy needs, in bytes (defaults to ``memory``).
    public var standbyMemory: Int
    /// Overrides the OS's standby for this job.
    public var standby: OSReference?
    /// The effective action per severity: the job's own `policy` over the spec's `job_fault`.
    public var policy: JobFaultPolicy
    /// Where the job's `name` is written (the mapping's start when it has none).
    public var location: SourceLocation
    /// Where the `memory`, `hot_standby` and `standby_memory` values are written,
    /// when read from a file (`standbyMemoryLocation` is `nil` when it defaults).
    public var memoryLocation: SourceLocation?
    public var hotStandbyLocation: SourceLocation?
    public var standbyMemoryLocation: SourceLocation?

    public init(
        name: String, memory: Int, hotStandby: Bool = false, standbyMemory: Int? = nil,
        standby: OSReference? = nil, policy: JobFaultPolicy = JobFaultPolicy(),
        location: SourceLocation = .start,
        memoryLocation: SourceLocation? = nil, hotStandbyLocation: SourceLocation? = nil,
        standbyMemoryLocation: SourceLocation? = nil
    ) {
        self.name = name
        self.memory = memory
        self.hotStandby = hotStandby
        self.standbyMemory = standbyMemory ?? memory
        self.standby = standby
        self.policy = policy
        self.location = location
        self.memoryLocation = memoryLocation
        self.hotStandbyLocation = hotStandbyLocation
        self.standbyMemoryLocation = standbyMemoryLocation
    }

    /// Where this job fails over when it runs on `os`: its own standby, else the OS's.
    /// `nil` for an ordinary job.
    public func failoverTarget(on os: OS) -> OSReference? {
        hotStandby ? (standby ?? os.standby) : nil
    }
}
