/// What the notes under an `unknown-reference` error look up, built once per
/// machine (and once for the machine names) when the first such error needs
/// it: the did-you-mean index, each machine's OS of a job name, its standby
/// OSes. Asked afresh for every error, each answer was a scan of the fleet or
/// of the machine, and 10,000 unknown references took minutes.
struct ReferenceHints {
    private var machineNames: Names.SuggestionIndex?
    private var osNames: [Int: Names.SuggestionIndex] = [:]
    /// Per machine: job name → the first OS that runs a job of that name.
    private var jobOS: [Int: [String: Int]] = [:]
    private var standbys: [Int: [String]] = [:]

    /// The machine name `name` was most likely meant to be.
    mutating func machine(like name: String, in spec: Spec) -> String? {
        if machineNames == nil { machineNames = Names.SuggestionIndex(spec.machines.lazy.map(\.name)) }
        return machineNames?.suggestion(for: name)
    }

    /// The name of an OS of machine `m` that `name` was most likely meant to be.
    mutating func os(like name: String, on m: Int, in spec: Spec) -> String? {
        if let index = osNames[m] { return index.suggestion(for: name) }
        let index = Names.SuggestionIndex(spec.machines[m].oses.lazy.map(\.name))
        osNames[m] = index
        return index.suggestion(for: name)
    }

    /// The OS of machine `m` that runs a job named `name`, if any.
    mutating func osOfJob(named name: String, on m: Int, in spec: Spec) -> OS? {
        if jobOS[m] == nil {
            var table: [String: Int] = [:]
            for (o, os) in spec.machines[m].oses.enumerated() {
                for job in os.jobs where table[job.name] == nil { table[job.name] = o }
            }
            jobOS[m] = table
        }
        return jobOS[m]?[name].map { spec.machines[m].oses[$0] }
    }

    /// The names of machine `m`'s standby OSes, in order.
    mutating func standbyNames(on m: Int, in spec: Spec) -> [String] {
        if let names = standbys[m] { return names }
        let names = spec.machines[m].oses.filter { $0.role == .standby }.map(\.name)
        standbys[m] = names
        return names
    }
}
