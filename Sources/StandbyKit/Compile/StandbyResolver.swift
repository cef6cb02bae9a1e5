/// Resolves a standby reference (`os` or `machine/os`, docs/model.md "Standbys") to
/// the OS it names: the one rule for what a reference means, used by the
/// validator, the compiler's tables and the planner.
///
/// A reference without a machine, or with the referring machine's own name,
/// names an OS of the referring machine; otherwise the first machine of that
/// name. Within a machine the first OS of that name. Whether the OS is a
/// standby, and any diagnostic, is the caller's business.
struct StandbyResolver: Sendable {
    /// Machine name → position (the first machine of that name).
    let machineIndex: [String: Int]
    /// Per machine: OS name → position among its OSes (the first of that name).
    let osIndex: [[String: Int]]
    let machineNames: [String]

    init(_ machines: [Machine]) {
        self.machineIndex = Self.machineIndex(of: machines.lazy.map(\.name))
        self.osIndex = machines.map(Self.osIndex(of:))
        self.machineNames = machines.map(\.name)
    }

    /// Machine name → position (the first machine of that name).
    static func machineIndex(of names: some Sequence<String>) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(names.underestimatedCount)
        // One lookup a name: a repeated name keeps its first position.
        for (m, name) in names.enumerated() {
            if let first = index.updateValue(m, forKey: name) { index[name] = first }
        }
        return index
    }

    /// OS name → position among `machine`'s OSes (the first of that name).
    static func osIndex(of machine: Machine) -> [String: Int] {
        var names: [String: Int] = [:]
        names.reserveCapacity(machine.oses.count)
        for (o, os) in machine.oses.enumerated() {
            if let first = names.updateValue(o, forKey: os.name) { names[os.name] = first }
        }
        return names
    }

    /// Whether `reference`, written on the machine named `here`, names an OS of
    /// that same machine: it names no machine, or this one.
    static func isLocal(_ reference: OSReference, on here: String) -> Bool {
        reference.machine == nil || reference.machine == here
    }

    /// The machine a reference made on machine `m` points at, or `nil` when it
    /// names no machine.
    static func machine(
        of reference: OSReference, from m: Int, named here: String, in machineIndex: [String: Int]
    ) -> Int? {
        guard let name = reference.machine, !isLocal(reference, on: here) else { return m }
        return machineIndex[name]
    }

    /// The OS `reference`, written on machine `m`, names: its machine and its
    /// position there; `nil` when it names no machine or no OS.
    func resolve(_ reference: OSReference, from m: Int) -> (machine: Int, os: Int)? {
        guard let target = Self.machine(of: reference, from: m, named: machineNames[m], in: machineIndex),
            let o = osIndex[target][reference.os]
        else { return nil }
        return (target, o)
    }
}
