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
    /// The row's name: the OS's or job's name, `monitor` or `unallocated`
    /// (a copy started on a standby of another machine: `machine/job`).
    public var name: String
    /// What the region holds.
    public var kind: RegionKind
    /// Size in bytes, never negative.
    public var size: Int
    /// The OS that owns the region (an OS name on this machine), or `monitor`.
    public var owner: String
    /// Where the region goes when its owner fails: an OS on this machine, `machine/os`
    /// for a standby on another machine, or `monitor`.
    public var onFault: String

    /// A row of these values.
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
    /// What produced this state: boot, or a job's start.
    public var event: TableEvent
    /// Bytes the monitor moved from the pool to the job's OS for this step.
    public var expansion: Int
    /// Regions in table order: OSes, the monitor, jobs in start order, the pool.
    public var regions: [Region]

    /// A state of these rows.
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
/// Jobs start in document order, so the steps are the machine's jobs but for
/// those that could not start (none, in a spec that compiles); what is stored
/// is the initial table, the expansions above zero, the jobs left out, and the
/// sizes start-up leaves to each OS's own region and to the pool. The steps,
/// the final table and the states in between are rebuilt on demand, so a
/// compiled fleet takes a few bytes a machine beyond its spec while
/// `--states all` can still print every step.
public struct CompiledMachine: Sendable, Hashable {
    /// The machine as decoded.
    public var machine: Machine
    /// The table at boot: one region per OS, the monitor's area, the pool.
    public var initial: [Region]
    /// Per OS: the size of its own region after start-up.
    public private(set) var ownRegions: [Int]
    /// The pool after start-up: the size of the `unallocated` region.
    public private(set) var pool: Int
    /// The steps whose expansion is above zero, in start order.
    private var expansions: [Expansion]
    /// The jobs that could not start, by position among the machine's jobs in
    /// document order, ascending.
    private var leftOut: [Int]

    /// An expansion above zero: the step's position in ``steps`` and its bytes.
    struct Expansion: Sendable, Hashable {
        var step: Int
        var bytes: Int
    }

    init(
        machine: Machine, initial: [Region], ownRegions: [Int], pool: Int, expansions: [Expansion], leftOut: [Int]
    ) {
        self.machine = machine
        self.initial = initial
        self.ownRegions = ownRegions
        self.pool = pool
        self.expansions = expansions
        self.leftOut = leftOut
    }

    /// Whether every job of the machine started (then the steps are its
    /// jobs, OS by OS in document order).
    var startsEveryJob: Bool { leftOut.isEmpty }

    /// One step per job that started, in start order.
    public var steps: [StartStep] {
        var steps: [StartStep] = []
        steps.reserveCapacity(max(0, machine.oses.reduce(0) { $0 + $1.jobs.count } - leftOut.count))
        var ordinal = 0
        var nextLeftOut = 0
        var nextExpansion = 0
        for (o, os) in machine.oses.enumerated() {
            for j in os.jobs.indices {
                defer { ordinal += 1 }
                if nextLeftOut < leftOut.count && leftOut[nextLeftOut] == ordinal {
                    nextLeftOut += 1
                    continue
                }
                var expansion = 0
                if nextExpansion < expansions.count && expansions[nextExpansion].step == steps.count {
                    expansion = expansions[nextExpansion].bytes
                    nextExpansion += 1
                }
                steps.append(StartStep(os: o, job: j, expansion: expansion))
            }
        }
        return steps
    }

    /// The machine's name.
    public var name: String { machine.name }

    /// The table after every job started: the OSes' regions and the monitor's
    /// area as at boot but for the OSes' sizes, then the jobs in start order,
    /// then the pool.
    public var final: [Region] { final(steps: steps) }

    /// ``final`` from the machine's ``steps``, read once by the caller (each
    /// read of ``steps`` rebuilds them).
    func final(steps: [StartStep]) -> [Region] {
        var regions: [Region] = []
        regions.reserveCapacity(initial.count + steps.count)
        regions.append(contentsOf: initial.dropLast())
        for (o, size) in ownRegions.enumerated() where o < regions.count {
            regions[o].size = size
        }
        for step in steps {
            let os = machine.oses[step.os]
            regions.append(Compiler.jobRegion(os.jobs[step.job], on: os, machine: machine))
        }
        if var pool = initial.last {
            pool.size = self.pool
            regions.append(pool)
        }
        return regions
    }

    /// Every state: the initial one, then one after each job start.
    public var states: CompiledStates { CompiledStates(machine: self) }

    /// The final state, with the event of the last step.
    public var finalState: TableState { finalState(steps: steps) }

    /// ``finalState`` from the machine's ``steps``, read once by the caller.
    func finalState(steps: [StartStep]) -> TableState {
        guard let last = steps.last else {
            return TableState(event: .initial, expansion: 0, regions: initial)
        }
        return TableState(
            event: .start(job: machine.oses[last.os].jobs[last.job].name),
            expansion: last.expansion, regions: final(steps: steps))
    }
}

/// The states of a compiled machine, rebuilt one at a time from its steps.
public struct CompiledStates: Sequence, Sendable {
    /// The machine whose states these are.
    public let machine: CompiledMachine

    /// Rebuilds each next state from the one before: one job's region
    /// inserted, its OS's area and the pool resized. Holds one table at a time.
    public struct Iterator: IteratorProtocol {
        let machine: CompiledMachine
        let steps: [StartStep]
        var regions: [Region]
        var position = 0

        /// The initial state first, then the state after each job start in
        /// start order; `nil` after the last.
        public mutating func next() -> TableState? {
            if position == 0 {
                position = 1
                return TableState(event: .initial, expansion: 0, regions: regions)
            }
            let index = position - 1
            guard index < steps.count else { return nil }
            position += 1
            let step = steps[index]
            let os = machine.machine.oses[step.os]
            let job = os.jobs[step.job]
            // Region `step.os` is the OS's own area: OS regions come first, in order.
            var own = regions[step.os].size
            var pool = regions[regions.count - 1].size
            StartUp.apply(expansion: step.expansion, job: job.memory, own: &own, pool: &pool)
            regions[step.os].size = own
            regions[regions.count - 1].size = pool
            regions.insert(
                Compiler.jobRegion(job, on: os, machine: machine.machine),
                at: regions.count - 1)
            return TableState(event: .start(job: job.name), expansion: step.expansion, regions: regions)
        }
    }

    /// An iterator from the initial state.
    public func makeIterator() -> Iterator {
        Iterator(machine: machine, steps: machine.steps, regions: machine.initial)
    }
}

/// The compiled start-up of every machine of a spec.
public struct CompiledSpec: Sendable, Hashable {
    /// The spec it was compiled from, as decoded.
    public var spec: Spec
    /// Each machine's start-up, in the spec's order.
    public var machines: [CompiledMachine]

    /// A compiled spec of these parts; ``Compiler/compile(_:)`` makes the
    /// real one, and checks that every job starts.
    public init(spec: Spec, machines: [CompiledMachine]) {
        self.spec = spec
        self.machines = machines
    }
}
