import PropertyBased
import Synchronization

@testable import StandbyKit

/// Random valid specs for property tests: several machines, standbys shared by
/// several actives (N:1), standbys on other machines, copies smaller and larger
/// than their jobs, resident jobs on standbys, every policy value, and machine
/// granules of several sizes. Every size is a whole number of its machine's
/// granule, as the decoder delivers them.
///
/// Every spec it returns compiles: each machine's memory is the monitor, the
/// OSes' allocations, every start-up expansion, the reserve and some slack, so
/// every job starts whatever the order.
enum RandomSpec {
    /// How big the specs get.
    struct Shape: Sendable {
        var machines: ClosedRange<Int> = 1...3
        var activesPerMachine: ClosedRange<Int> = 1...3
        var standbysPerMachine: ClosedRange<Int> = 0...2
        var jobsPerActive: ClosedRange<Int> = 0...4
        var residentJobsPerStandby: ClosedRange<Int> = 0...2
        /// The chance that a machine simulates `machine` faults too.
        var machineFaultRate = 0.3
    }

    static let granules = [1 << 20, 2 << 20, 4 << 20, 64 << 10, 3 << 20]
    static let losses = [
        Percentage.zero, Percentage(numerator: 1, denominator: 2), .full,
        Percentage(numerator: 125, denominator: 1000),
    ]

    /// A generator of compilable specs, for `propertyCheck`.
    static func generator(_ shape: Shape = Shape()) -> Generator<Spec, Shrink.None<Spec>> {
        Generator { rng in make(shape, using: &rng) }
    }

    /// A random spec that compiles.
    static func make<R: RandomNumberGenerator>(_ shape: Shape = Shape(), using rng: inout R) -> Spec {
        for _ in 0..<100 {
            let spec = attempt(shape, using: &rng)
            if Compiler.compile(spec).0 != nil { return spec }
        }
        preconditionFailure("RandomSpec could not build a compilable spec in 100 attempts")
    }

    /// The compiled form of a spec that must compile.
    static func compile(_ spec: Spec) -> CompiledSpec {
        guard let compiled = Compiler.compile(spec).0 else { preconditionFailure("spec does not compile") }
        return compiled
    }

    private static func action<R: RandomNumberGenerator>(_ rng: inout R) -> JobFaultAction {
        JobFaultAction.allCases.randomElement(using: &rng) ?? .restart
    }

    private static func attempt<R: RandomNumberGenerator>(_ shape: Shape, using rng: inout R) -> Spec {
        var kinds = FaultKind.allCases.filter { $0 != .machine && Bool.random(using: &rng) }
        if kinds.isEmpty { kinds = [.os] }
        if Double.random(in: 0..<1, using: &rng) < shape.machineFaultRate { kinds.append(.machine) }
        let policies = Policies(
            faults: kinds.sorted(),
            jobFault: JobFaultPolicy(light: action(&rng), severe: action(&rng)),
            osArea: Bool.random(using: &rng) ? .keep : .release,
            memoryLost: losses.randomElement(using: &rng) ?? .full,
            pool: Int.random(in: 0..<4, using: &rng) != 0)

        // Decide every OS's name and role first, so that actives can name
        // standbys on any machine.
        let machineCount = Int.random(in: shape.machines, using: &rng)
        var layouts: [[(name: String, role: OSRole)]] = []
        for _ in 0..<machineCount {
            var oses: [(name: String, role: OSRole)] = []
            for a in 0..<Int.random(in: shape.activesPerMachine, using: &rng) { oses.append(("a\(a)", .active)) }
            for s in 0..<Int.random(in: shape.standbysPerMachine, using: &rng) { oses.append(("s\(s)", .standby)) }
            oses.shuffle(using: &rng)
            layouts.append(oses)
        }
        if !layouts.joined().contains(where: { $0.role == .standby }) {
            layouts[Int.random(in: 0..<machineCount, using: &rng)].append(("s0", .standby))
        }
        // Every standby of the fleet: (machine, os).
        let standbys = layouts.enumerated().flatMap { m, oses in
            oses.filter { $0.role == .standby }.map { (m, $0.name) }
        }

        func reference(from m: Int, _ rng: inout R) -> OSReference? {
            guard let (tm, os) = standbys.randomElement(using: &rng) else { return nil }
            if tm != m { return OSReference(machine: "m\(tm)", os: os) }
            // A local standby is sometimes written with the machine's own name.
            return Int.random(in: 0..<5, using: &rng) == 0 ? OSReference(machine: "m\(m)", os: os) : OSReference(os: os)
        }

        var machines: [Machine] = []
        for (m, layout) in layouts.enumerated() {
            let g = granules.randomElement(using: &rng) ?? 1 << 20
            func units(_ range: ClosedRange<Int>, _ rng: inout R) -> Int { Int.random(in: range, using: &rng) * g }
            var oses: [OS] = []
            var expansions = 0
            for (name, role) in layout {
                let kernel = units(1...4, &rng)
                var jobs: [Job] = []
                let count = Int.random(
                    in: role == .active ? shape.jobsPerActive : shape.residentJobsPerStandby, using: &rng)
                for j in 0..<count {
                    let memory = units(1...8, &rng)
                    guard role == .active, Bool.random(using: &rng) else {
                        jobs.append(
                            Job(
                                name: "\(name)-j\(j)", memory: memory,
                                policy: JobFaultPolicy(light: action(&rng), severe: action(&rng))))
                        continue
                    }
                    // Copies below, at and above the job's own size.
                    let copy = max(g, memory + Int.random(in: -3...3, using: &rng) * g)
                    let own = Int.random(in: 0..<3, using: &rng) == 0 ? reference(from: m, &rng) : nil
                    let policy =
                        Int.random(in: 0..<3, using: &rng) == 0
                        ? JobFaultPolicy(light: action(&rng), severe: action(&rng)) : policies.jobFault
                    jobs.append(
                        Job(
                            name: "\(name)-j\(j)", memory: memory, hotStandby: true, standbyMemory: copy,
                            standby: own, policy: policy))
                }
                let total = jobs.reduce(0) { $0 + $1.memory }
                // Sometimes less than the jobs need, so that start-up expands the OS.
                let memory = kernel + max(0, total + Int.random(in: -6...4, using: &rng) * g)
                // Replay start-up, with a pool that never runs out, to know how
                // much the OS will ask for.
                var own = memory
                var pool = Int.max
                for job in jobs {
                    if case .start(let expansion) = StartUp.step(
                        job: job.memory, own: own, kernel: kernel, pool: pool, reserve: 0)
                    {
                        expansions += expansion
                        StartUp.apply(expansion: expansion, job: job.memory, own: &own, pool: &pool)
                    }
                }
                oses.append(
                    OS(
                        name: name, role: role, memory: memory, kernel: kernel,
                        standby: role == .active ? reference(from: m, &rng) : nil, jobs: jobs))
            }
            let monitor = units(1...4, &rng)
            let reserve = Int.random(in: 0..<3, using: &rng) == 0 ? units(1...6, &rng) : 0
            let slack = units(0...16, &rng)
            let memory = oses.reduce(monitor + expansions + reserve + slack) { $0 + $1.memory }
            machines.append(
                Machine(name: "m\(m)", memory: memory, monitor: monitor, granule: g, reserve: reserve, oses: oses))
        }
        return Spec(policies: policies, machines: machines)
    }
}

/// What random inputs exercised, counted over a run, so that a property test
/// fails when its generator stops producing some situation.
final class ExercisedFeatures: Sendable {
    let counts = Mutex<[String: Int]>([:])
    func note(_ feature: String, _ happened: Bool = true) {
        guard happened else { return }
        counts.withLock { $0[feature, default: 0] += 1 }
    }
    var features: Set<String> { counts.withLock { Set($0.keys) } }
}
