/// Stage: decoded spec → the problems that span entities (docs/model.md, "The spec").
///
/// The decoder checks each value on its own; the validator checks how they fit
/// together: names unique where they become region names, references that
/// resolve to standby OSes, hot-standby jobs that have somewhere to go, and
/// sizes that fit in their machine. Every rule runs, so one run reports every
/// problem; arithmetic on sizes is overflow-checked (a sum past 2^63−1 is
/// reported as too large, never trapped).
public enum Validator {
    /// Every cross-entity problem of `spec`. The spec is usable only when there is
    /// no error among them.
    public static func validate(_ spec: Spec) -> Diagnostics {
        validate(spec, threads: parallelThreads(for: spec))
    }

    /// The same findings, machine by machine on `threads` threads.
    static func validate(_ spec: Spec, threads: Int) -> Diagnostics {
        var validation = Validation(spec: spec)
        validation.run(threads: threads)
        return validation.diagnostics
    }
}

/// One validation: the spec, lookup tables built once, and the findings.
private struct Validation {
    let spec: Spec
    var diagnostics = Diagnostics()

    /// Machine name → index of its first machine.
    var machineIndex: [String: Int] = [:]
    /// Per machine: OS name → the first OS of that name. Job names are checked
    /// for uniqueness machine by machine and not kept: a fleet has hundreds of
    /// thousands of them, and references name OSes.
    var osNames: [[String: Int]] = []
    /// Per machine, per OS: whether some hot-standby job fails over to it.
    var used: [[Bool]] = []
    /// Whether some hot-standby job fails over to a standby on another machine.
    var crossMachine = false
    /// Lookups for the notes under unknown references, built on first need.
    var hints = ReferenceHints()
    /// The OS and job names of the machine being checked, its storage kept
    /// from machine to machine.
    var nameTable = NameTable<Entry>()

    enum Entry {
        case os(Int)
        case job(os: Int, job: Int)
    }

    init(spec: Spec) {
        self.spec = spec
    }

    mutating func run(threads: Int) {
        if spec.machines.isEmpty {
            diagnostics.error(
                .noMachines, "the spec lists no machines", at: spec.machinesLocation ?? .start,
                notes: [.init("add a machine with its memory, monitor and OSes under 'machines:'")])
        }
        policies()
        for (m, machine) in spec.machines.enumerated() where machineIndex[machine.name] == nil {
            machineIndex[machine.name] = m
        }
        // Machine by machine, each thread taking a run of machines with a copy
        // of this validation; the copies' findings are joined in machine order,
        // the order one thread finds them in.
        let runs = runs(of: spec.machines.count, threads: threads)
        var start = self
        start.diagnostics = Diagnostics()
        let checked = parallel(runs.count) { t in
            var part = start
            for m in runs[t] { part.names(of: m) }
            let names = part.diagnostics
            part.diagnostics = Diagnostics()
            for m in runs[t] { part.sizes(of: m) }
            return (names: names, sizes: part.diagnostics, osNames: part.osNames)
        }
        for part in checked {
            diagnostics.append(contentsOf: part.names)
            osNames.append(contentsOf: part.osNames)
        }
        for part in checked { diagnostics.append(contentsOf: part.sizes) }
        // References need every machine's OS names.
        used = spec.machines.map { [Bool](repeating: false, count: $0.oses.count) }
        var named = self
        named.diagnostics = Diagnostics()
        for part in parallel(runs.count, { t in
            var part = named
            for m in runs[t] { part.references(of: m) }
            return part
        }) {
            diagnostics.append(contentsOf: part.diagnostics)
            crossMachine = crossMachine || part.crossMachine
            for m in used.indices where part.used[m] != used[m] {
                used[m] = zip(used[m], part.used[m]).map { $0 || $1 }
            }
        }
        unusedStandbys()
        if spec.policies.faults.contains(.machine) && !crossMachine {
            diagnostics.warning(
                .machineFaultsUncoverable,
                "'machine' faults are simulated but no hot-standby job has a standby on another machine",
                at: spec.faultsLocation ?? .start,
                notes: [
                    .init("every machine case will lose all its jobs: give a job a standby such as 'standby: other-machine/os', or remove 'machine' from 'faults'")
                ])
        }
    }

    private mutating func policies() {
        if spec.policies.faults.isEmpty {
            diagnostics.warning(
                .noFaults, "'faults' is empty, so no fault is simulated", at: spec.faultsLocation ?? .start,
                notes: [.init("remove 'faults' for the default [os, job, standby, memory]")])
        }
    }

    // MARK: - Names

    /// Checks the names of machine `m` and appends its OS names to ``osNames``
    /// (``machineIndex`` is complete).
    private mutating func names(of m: Int) {
        let machine = spec.machines[m]
        if let first = machineIndex[machine.name], first != m {
            diagnostics.error(
                .duplicateName, "the machine name '\(machine.name)' is used twice", at: machine.location,
                notes: [.init("first used here; machine names are unique", at: spec.machines[first].location)])
        }
        if machine.oses.isEmpty {
            diagnostics.error(
                .noOSes, "machine '\(machine.name)' has no OSes", at: machine.osesLocation ?? machine.location,
                notes: [.init("add at least one OS under 'oses:', or remove the machine")])
        }
        nameTable.reset(capacity: machine.oses.count + machine.oses.reduce(0) { $0 + $1.jobs.count })
        // Indices, not copies: a fleet has hundreds of thousands of jobs.
        let oses = machine.oses
        for o in oses.indices {
            add(oses[o].name, as: .os(o), kind: "OS", machine: m)
        }
        for o in oses.indices {
            let jobs = oses[o].jobs
            for j in jobs.indices {
                add(jobs[j].name, as: .job(os: o, job: j), kind: "job", machine: m)
            }
        }
        var osTable: [String: Int] = [:]
        for o in oses.indices where osTable[oses[o].name] == nil { osTable[oses[o].name] = o }
        osNames.append(osTable)
    }

    /// The keys of the names the resource table reserves.
    private static let reservedKeys = (monitor: NameKey(monitorName), unallocated: NameKey(unallocatedName))

    private mutating func add(_ name: String, as entry: Entry, kind: String, machine m: Int) {
        let key = NameKey(name)
        // An ASCII name is compared as bytes (its key), where bytes decide; another as a string.
        let reserved =
            if let key { key == Self.reservedKeys.monitor || key == Self.reservedKeys.unallocated } else {
                name == monitorName || name == unallocatedName
            }
        if reserved {
            diagnostics.error(
                .reservedName, "\(kind == "OS" ? "an OS" : "a job") may not be named '\(name)'",
                at: location(of: entry, in: m),
                notes: [
                    .init("'\(monitorName)' and '\(unallocatedName)' name the monitor's area and the pool in the resource table; rename it")
                ])
        }
        guard let first = nameTable.insert(name, key: key, entry) else { return }
        let location = location(of: entry, in: m)
        let machine = spec.machines[m]
        let firstLocation = self.location(of: first, in: m)
        let message: String
        switch (first, entry) {
        case (.os, .os): message = "the OS name '\(name)' is used twice on machine '\(machine.name)'"
        case (.job, .job): message = "the job name '\(name)' is used twice on machine '\(machine.name)'"
        default: message = "'\(name)' names both an OS and a job on machine '\(machine.name)'"
        }
        diagnostics.error(
            .duplicateName, message, at: location,
            notes: [
                .init("first used here; OS and job names are unique within a machine, as both name regions of its table", at: firstLocation)
            ])
    }

    private func location(of entry: Entry, in m: Int) -> SourceLocation {
        switch entry {
        case .os(let o): spec.machines[m].oses[o].location
        case .job(let o, let j): spec.machines[m].oses[o].jobs[j].location
        }
    }

    // MARK: - Sizes

    private mutating func sizes(of m: Int) {
        let machine = spec.machines[m]
        let what = "machine '\(machine.name)'"
        for os in machine.oses where os.kernel > os.memory {
            diagnostics.error(
                .kernelExceedsMemory,
                "the kernel of OS '\(os.name)' takes \(Size.describe(os.kernel)), more than its \(Size.describe(os.memory)) of memory",
                at: os.kernelLocation ?? os.location,
                notes: [.init("raise the OS's 'memory' to at least its kernel, or lower 'kernel'", at: os.memoryLocation)])
        }
        if machine.reserve > machine.memory {
            diagnostics.error(
                .reserveExceedsMemory,
                "the reserve of \(Size.describe(machine.reserve)) is more than \(what)'s \(Size.describe(machine.memory))",
                at: machine.reserveLocation ?? machine.location,
                notes: [.init("lower 'reserve': it is the part of the pool kept for failover")])
        }
        if machine.monitor > machine.memory {
            diagnostics.error(
                .monitorExceedsMemory,
                "the monitor's \(Size.describe(machine.monitor)) is more than \(what)'s \(Size.describe(machine.memory))",
                at: machine.monitorLocation ?? machine.location,
                notes: [.init("lower 'monitor' or raise the machine's 'memory'", at: machine.memoryLocation)])
            return
        }
        // The compiler's check (`StartUp`), which this one runs ahead of.
        guard let used = StartUp.bootUse(machine), used <= machine.memory else {
            diagnostics.append(StartUp.overcommitted(machine, noteAt: machine.memoryLocation))
            return
        }
        let pool = machine.memory - used
        if machine.reserve > pool && machine.reserve <= machine.memory {
            diagnostics.warning(
                .reserveExceedsPool,
                "the reserve of \(Size.describe(machine.reserve)) is more than the \(Size.describe(pool)) pool left at boot on \(what)",
                at: machine.reserveLocation ?? machine.location,
                notes: [
                    .init("no job can ever expand its OS from the pool; lower 'reserve' or the OSes' allocations")
                ])
        }
    }

    // MARK: - References and standbys

    private mutating func references(of m: Int) {
        let machine = spec.machines[m]
        for (o, os) in machine.oses.enumerated() {
            var osTarget: (machine: Int, os: Int)?
            if let reference = os.standby {
                if os.role == .standby {
                    // Not resolved: the key has no effect, and one warning says so.
                    diagnostics.warning(
                        .standbyOnStandbyOS,
                        "'standby' on standby OS '\(os.name)' has no effect", at: reference.location,
                        notes: [.init("only an active OS's hot-standby jobs fail over; remove it")])
                } else {
                    osTarget = resolve(reference, from: m, os: o, job: nil)
                }
            }
            // Each job read in place, field by field: a fleet has hundreds of
            // thousands, and a copy of each would retain its name and box.
            let jobs = os.jobs
            for j in jobs.indices {
                let standby = jobs[j].standby
                var jobTarget: (machine: Int, os: Int)?
                if let reference = standby {
                    jobTarget = resolve(reference, from: m, os: o, job: jobs[j])
                }
                guard jobs[j].hotStandby else {
                    if let at = jobs[j].standbyMemoryLocation {
                        diagnostics.warning(
                            .ignoredStandbyMemory,
                            "'standby_memory' has no effect: job '\(jobs[j].name)' is not hot-standby", at: at,
                            notes: [.init("set 'hot_standby: true' on the job, or remove 'standby_memory'")])
                    }
                    if let reference = standby {
                        diagnostics.warning(
                            .ignoredJobStandby, "'standby' has no effect: job '\(jobs[j].name)' is not hot-standby",
                            at: reference.location,
                            notes: [.init("set 'hot_standby: true' on the job, or remove 'standby'")])
                    }
                    continue
                }
                if os.role == .standby || standby.isNone && os.standby.isNone {
                    hotStandbyProblem(jobs[j], on: os)
                    continue
                }
                if let target = standby.isNone ? osTarget : jobTarget {
                    used[target.machine][target.os] = true
                    if target.machine != m { crossMachine = true }
                }
            }
        }
    }

    /// Reports a hot-standby job on a standby OS, or with no standby to go to.
    private mutating func hotStandbyProblem(_ job: Job, on os: OS) {
        let hotStandbyAt = job.hotStandbyLocation ?? job.location
        if os.role == .standby {
            diagnostics.error(
                .hotStandbyOnStandbyOS,
                "hot-standby job '\(job.name)' runs on standby OS '\(os.name)'", at: hotStandbyAt,
                notes: [
                    .init("hot-standby jobs belong on active OSes; move the job, or remove 'hot_standby' to keep it as a resident job")
                ])
        } else {
            diagnostics.error(
                .hotStandbyWithoutStandby,
                "hot-standby job '\(job.name)' has no standby to fail over to", at: hotStandbyAt,
                notes: [
                    .init("set 'standby:' on OS '\(os.name)' or on the job, naming a standby OS", at: os.location)
                ])
        }
    }

    /// The OS `reference` names, if it is a standby OS; otherwise reports why not.
    private mutating func resolve(
        _ reference: OSReference, from m: Int, os o: Int, job: Job?
    ) -> (machine: Int, os: Int)? {
        let at = reference.location
        // What a reference names is `StandbyResolver`'s rule; this says why it names nothing.
        guard let target = StandbyResolver.machine(of: reference, from: m, named: spec.machines[m].name, in: machineIndex)
        else {
            let name = reference.machine ?? spec.machines[m].name
            var notes: [Diagnostic.Note] = []
            if let guess = hints.machine(like: name, in: spec) {
                notes.append(.init("did you mean '\(guess)/\(reference.os)'?"))
            }
            notes.append(.init(listing("machines", spec.machines.lazy.map(\.name))))
            diagnostics.error(
                .unknownReference, "'\(reference)' names no machine '\(name)'", at: at, notes: notes)
            return nil
        }
        guard let t = osNames[target][reference.os] else {
            let machine = spec.machines[target]
            var notes: [Diagnostic.Note] = []
            // Job names are not kept: look for one only to explain this error.
            if let jobOS = hints.osOfJob(named: reference.os, on: target, in: spec) {
                notes.append(.init("'\(reference.os)' is a job on OS '\(jobOS.name)', not an OS"))
            }
            let oses = hints.standbyNames(on: target, in: spec)
            if let guess = hints.os(like: reference.os, on: target, in: spec) {
                let prefix = target == m ? "" : "\(machine.name)/"
                notes.append(.init("did you mean '\(prefix)\(guess)'?"))
            }
            notes.append(.init(listing("standby OSes of machine '\(machine.name)'", oses)))
            diagnostics.error(
                .unknownReference,
                "'\(reference)' names no OS on machine '\(machine.name)'", at: at, notes: notes)
            return nil
        }
        // The usual answer, a standby OS elsewhere, read in place; copies only to report.
        if spec.machines[target].oses[t].role == .standby && (target != m || t != o) { return (target, t) }
        let targetOS = spec.machines[target].oses[t]
        if target == m && t == o {
            let message =
                job.map { "job '\($0.name)' names its own OS '\(targetOS.name)' as its standby" }
                ?? "the standby of OS '\(targetOS.name)' is the OS itself"
            diagnostics.error(
                .selfReference, message, at: at,
                notes: [.init("a job fails over to another OS: name a standby OS")])
            return nil
        }
        if targetOS.role != .standby {
            diagnostics.error(
                .referenceNotStandby, "'\(reference)' is an active OS, not a standby", at: at,
                notes: [
                    .init("name an OS with 'role: standby', or make '\(targetOS.name)' one", at: targetOS.location)
                ])
            return nil
        }
        return (target, t)
    }

    /// "the standby OSes of machine 'm' are 'a' and 'b'", shortened for long lists.
    private func listing(_ what: String, _ names: some Collection<String>) -> String {
        if names.isEmpty { return "there are no \(what)" }
        let shown = names.prefix(8)
        let more = names.count - shown.count
        return "the \(what): \(Names.list(Array(shown), conjunction: "and"))"
            + (more > 0 ? " and \(more) more" : "")
    }

    private mutating func unusedStandbys() {
        for (m, machine) in spec.machines.enumerated() {
            for (o, os) in machine.oses.enumerated() where os.role == .standby && !used[m][o] {
                diagnostics.warning(
                    .unusedStandby, "standby OS '\(os.name)' protects no job", at: os.location,
                    notes: [
                        .init("name it in 'standby:' of an active OS with hot-standby jobs, or remove it to save its memory")
                    ])
            }
        }
    }
}
