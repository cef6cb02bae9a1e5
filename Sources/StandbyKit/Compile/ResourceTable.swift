/// What a region of the resource table holds.
public enum RegionKind: String, CaseIterable, Sendable, Hashable, Codable {
    /// An OS's own area (its kernel and free memory).
    case os
    /// The monitor's own area.
    case monitor
    /// A job's memory.
    case job
    /// The monitor's pool of unallocated memory.
    case unallocated
}

/// The owner or on-fault destination named `monitor` in every table.
public let monitorName = "monitor"
/// The name of the pool's region in every table.
public let unallocatedName = "unallocated"

/// One row of the resource table the monitor keeps.
public struct Region: Sendable, Hashable {
    public var name: String
    public var kind: RegionKind
    /// Size in bytes, never negative.
    public var size: Int
    /// The OS that owns the region (an OS name on this machine), or `monitor`.
    public var owner: String
    /// Where the region goes when its owner fails: an OS on this machine, `machine/os`
    /// for a standby on another machine, or `monitor`.
    public var onFault: String

    public init(name: String, kind: RegionKind, size: Int, owner: String, onFault: String) {
        self.name = name
        self.kind = kind
        self.size = size
        self.owner = owner
        self.onFault = onFault
    }
}

/// What produced a state of the table.
public enum TableEvent: Sendable, Hashable, CustomStringConvertible {
    /// The table at boot, before any job.
    case initial
    /// The table after a job started.
    case start(job: String)

    /// `initial` or `start <job>`, as the JSON and CSV exports spell it.
    public var description: String {
        switch self {
        case .initial: "initial"
        case .start(let job): "start \(job)"
        }
    }
}

/// The resource table at one step of start-up.
public struct TableState: Sendable, Hashable {
    public var event: TableEvent
    /// Bytes the monitor moved from the pool to the job's OS for this step.
    public var expansion: Int
    /// Regions in table order: OSes, the monitor, jobs in start order, the pool.
    public var regions: [Region]

    public init(event: TableEvent, expansion: Int, regions: [Region]) {
        self.event = event
        self.expansion = expansion
        self.regions = regions
    }
}

/// One job start: which job, on which OS, and how much the OS grew first.
public struct StartStep: Sendable, Hashable {
    /// Index of the OS in ``Machine/oses``.
    public var os: Int
    /// Index of the job in that OS's ``OS/jobs``.
    public var job: Int
    /// Bytes moved from the pool to the OS before the job was carved.
    public var expansion: Int
}

/// The compiled start-up of one machine.
///
/// Only the initial and final tables are stored; the states in between are
/// rebuilt on demand from the steps, so memory stays linear in the spec's size
/// while `--states all` can still print every step.
public struct CompiledMachine: Sendable, Hashable {
    /// The machine as decoded.
    public var machine: Machine
    /// The table at boot.
    public var initial: [Region]
    /// One step per job that started, in start order.
    public var steps: [StartStep]
    /// The table after every job started.
    public var final: [Region]

    public var name: String { machine.name }

    /// The pool after start-up: the size of the `unallocated` region.
    public var pool: Int { final.last?.size ?? 0 }

    /// Every state: the initial one, then one after each job start.
    public var states: CompiledStates { CompiledStates(machine: self) }

    /// The final state, with the event of the last step.
    public var finalState: TableState {
        guard let last = steps.last else {
            return TableState(event: .initial, expansion: 0, regions: initial)
        }
        return TableState(
            event: .start(job: machine.oses[last.os].jobs[last.job].name),
            expansion: last.expansion, regions: final)
    }
}

/// The states of a compiled machine, rebuilt one at a time from its steps.
public struct CompiledStates: Sequence, Sendable {
    public let machine: CompiledMachine

    public struct Iterator: IteratorProtocol {
        let machine: CompiledMachine
        var regions: [Region]
        var position = 0

        public mutating func next() -> TableState? {
            if position == 0 {
                position = 1
                return TableState(event: .initial, expansion: 0, regions: regions)
            }
            let index = position - 1
            guard index < machine.steps.count else { return nil }
            position += 1
            let step = machine.steps[index]
            let os = machine.machine.oses[step.os]
            let job = os.jobs[step.job]
            // Region `step.os` is the OS's own area: OS regions come first, in order.
            regions[step.os].size += step.expansion - job.memory
            regions[regions.count - 1].size -= step.expansion
            regions.insert(
                Compiler.jobRegion(job, on: os, machine: machine.machine),
                at: regions.count - 1)
            return TableState(event: .start(job: job.name), expansion: step.expansion, regions: regions)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(machine: machine, regions: machine.initial)
    }
}

/// The compiled start-up of every machine of a spec.
public struct CompiledSpec: Sendable, Hashable {
    public var spec: Spec
    public var machines: [CompiledMachine]

    public init(spec: Spec, machines: [CompiledMachine]) {
        self.spec = spec
        self.machines = machines
    }
}
