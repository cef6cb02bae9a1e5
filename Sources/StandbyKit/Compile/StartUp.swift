/// The rules of start-up (docs/model.md, "Compiling"), stated once: what the
/// monitor and the OSes take at boot (the overcommit check), and one job
/// start — the OS asks the pool above the reserve for what its free memory
/// lacks, then the job is carved from the OS's own region. The validator, the
/// compiler and the resource table's states all call these.
enum StartUp {
    /// The monitor plus every OS's allocation, or `nil` when that sum passes
    /// 2^63−1 bytes (checked arithmetic).
    static func bootUse(_ machine: Machine) -> Int? {
        var used = machine.monitor
        for os in machine.oses {
            let (sum, overflow) = used.addingReportingOverflow(os.memory)
            if overflow { return nil }
            used = sum
        }
        return used
    }

    /// The error for a machine whose monitor and OSes do not fit in its
    /// memory (``bootUse(_:)`` is `nil` or above it). `noteAt` locates the
    /// note's hint.
    static func overcommitted(_ machine: Machine, noteAt: SourceLocation?) -> Diagnostic {
        .error(
            .machineOvercommitted,
            "machine '\(machine.name)' has \(Size.describe(machine.memory)) but the monitor and its OSes take "
                + (bootUse(machine).map(Size.describe) ?? "more than 8 EiB"),
            at: machine.location,
            notes: [.init("lower the OSes' allocations or raise the machine's memory", at: noteAt)])
    }

    /// One job start, before it happens.
    enum Step: Equatable {
        /// The job starts after its OS grew by `expansion` bytes from the pool.
        case start(expansion: Int)
        /// It cannot: its OS lacks `short` bytes and the pool above the reserve
        /// holds only `available`.
        case cannotStart(short: Int, available: Int)
    }

    /// Whether a job of `memory` bytes starts on an OS whose own region is
    /// `own` bytes with a kernel of `kernel`, with `pool` unallocated and
    /// `reserve` kept for failover: the OS's free memory is own − kernel; what
    /// it lacks comes from the pool, never taking it below the reserve.
    static func step(job memory: Int, own: Int, kernel: Int, pool: Int, reserve: Int) -> Step {
        let free = own - kernel
        guard free < memory else { return .start(expansion: 0) }
        let expansion = memory - free
        let available = max(0, pool - reserve)
        return available < expansion ? .cannotStart(short: expansion, available: available) : .start(expansion: expansion)
    }

    /// Applies a job start: the OS grows by `expansion` taken from the pool,
    /// then the job's `memory` is carved from the OS's own region.
    static func apply(expansion: Int, job memory: Int, own: inout Int, pool: inout Int) {
        own += expansion - memory
        pool -= expansion
    }
}
