@testable import StandbyKit

/// A deliberately plain second reading of MODEL.md's "Planning", to check the
/// planner against.
///
/// It knows nothing of the planner: each case starts from a fresh copy of
/// every machine's final table and moves rows one by one, reading where each
/// goes from the row itself (`owner`, `on_fault`) and looking names up in the
/// spec by linear search. Slow on purpose, and short enough to check by eye.
enum ReferenceSimulation {
    struct Case: Equatable, CustomStringConvertible {
        var id: String
        var covered: Bool
        var shortfall: Int
        var poolDraw: Int

        var description: String { "\(id) covered=\(covered) shortfall=\(shortfall) draw=\(poolDraw)" }
    }

    struct Result {
        var cases: [Case] = []
        /// `machine/standby` → min(S).
        var minimum: [String: Int] = [:]
        /// machine → reserve minimum.
        var reserve: [String: Int] = [:]
    }

    typealias Tables = [String: [Region]]

    /// One case: what fails.
    struct Fault {
        var machine: String
        var kind: FaultKind
        var target: String
        var severity: Severity?

        var id: String {
            switch kind {
            case .machine: "\(machine)/machine"
            case .job: "\(machine)/job/\(target)/\(severity?.rawValue ?? "")"
            default: "\(machine)/\(kind.rawValue)/\(target)"
            }
        }
    }

    /// What one case did: per (machine, standby) the copies' need and the
    /// memory handed over; per machine its pool after the fault.
    struct Outcome {
        var need: [String: [String: Int]] = [:]
        var handed: [String: [String: Int]] = [:]
        var pool: [String: Int] = [:]
        var hotJobLost = false
        var alwaysCovered = false
    }

    static func run(_ compiled: CompiledSpec, faults: [FaultKind]) -> Result {
        let spec = compiled.spec
        var tables: Tables = [:]
        for m in compiled.machines { tables[m.name] = m.final }

        var list: [Fault] = []
        for machine in spec.machines {
            let rows = tables[machine.name] ?? []
            for kind in FaultKind.allCases where faults.contains(kind) {
                switch kind {
                case .os, .memory:
                    for os in machine.oses where os.role == .active {
                        list.append(Fault(machine: machine.name, kind: kind, target: os.name))
                    }
                case .standby:
                    for os in machine.oses where os.role == .standby {
                        list.append(Fault(machine: machine.name, kind: kind, target: os.name))
                    }
                case .job:
                    for row in rows where row.kind == .job {
                        list.append(Fault(machine: machine.name, kind: kind, target: row.name, severity: .light))
                        list.append(Fault(machine: machine.name, kind: kind, target: row.name, severity: .severe))
                    }
                case .machine:
                    list.append(Fault(machine: machine.name, kind: kind, target: machine.name))
                }
            }
        }

        var result = Result()
        // min(S): kernel + resident + the most any `os` or `job` case asks of S
        // beyond the memory handed to it.
        var extra: [String: Int] = [:]
        for fault in list where fault.kind == .os || fault.kind == .job {
            let outcome = simulate(fault, tables: tables, spec: spec)
            for (m, needs) in outcome.need {
                for (s, need) in needs {
                    let key = "\(m)/\(s)"
                    extra[key] = max(extra[key] ?? 0, need - (outcome.handed[m]?[s] ?? 0))
                }
            }
        }
        for machine in spec.machines {
            for os in machine.oses where os.role == .standby {
                let resident = (tables[machine.name] ?? []).filter { $0.kind == .job && $0.owner == os.name }
                    .reduce(0) { $0 + $1.size }
                result.minimum["\(machine.name)/\(os.name)"] =
                    os.kernel + resident + (extra["\(machine.name)/\(os.name)"] ?? 0)
            }
        }

        // The cases as compiled.
        for fault in list {
            let outcome = simulate(fault, tables: tables, spec: spec)
            var shortfall = 0
            var draw = 0
            for (m, needs) in outcome.need {
                var missing = 0
                for (s, need) in needs {
                    let free = max(0, size(of: s, in: tables[m] ?? []) - kernel(of: s, on: m, spec))
                    missing += max(0, need - free - (outcome.handed[m]?[s] ?? 0))
                }
                let gave = spec.policies.pool ? min(outcome.pool[m] ?? 0, missing) : 0
                draw += gave
                shortfall += missing - gave
            }
            result.cases.append(
                Case(
                    id: fault.id, covered: outcome.alwaysCovered || (shortfall == 0 && !outcome.hotJobLost),
                    shortfall: shortfall, poolDraw: draw))
        }

        // Every standby at its minimum and every pool empty: what each pool must
        // hold after start-up is what the copies still miss beyond what the fault
        // put back into it.
        var atMinimum = tables
        for machine in spec.machines {
            guard var rows = atMinimum[machine.name] else { continue }
            for i in rows.indices {
                if rows[i].kind == .unallocated { rows[i].size = 0 }
                if rows[i].kind == .os, let os = machine.oses.first(where: { $0.name == rows[i].name }),
                    os.role == .standby
                {
                    rows[i].size = os.kernel + (extra["\(machine.name)/\(os.name)"] ?? 0)
                }
            }
            atMinimum[machine.name] = rows
            result.reserve[machine.name] = 0
        }
        guard spec.policies.pool else { return result }
        for fault in list {
            let outcome = simulate(fault, tables: atMinimum, spec: spec)
            for (m, needs) in outcome.need {
                var missing = 0
                for (s, need) in needs {
                    let free = max(0, size(of: s, in: atMinimum[m] ?? []) - kernel(of: s, on: m, spec))
                    missing += max(0, need - free - (outcome.handed[m]?[s] ?? 0))
                }
                result.reserve[m] = max(result.reserve[m] ?? 0, missing - (outcome.pool[m] ?? 0))
            }
        }
        return result
    }

    static func size(of name: String, in rows: [Region]) -> Int {
        rows.first { $0.kind == .os && $0.name == name }?.size ?? 0
    }

    static func kernel(of os: String, on machine: String, _ spec: Spec) -> Int {
        spec.machines.first { $0.name == machine }?.oses.first { $0.name == os }?.kernel ?? 0
    }

    static func job(_ name: String, on machine: String, _ spec: Spec) -> Job? {
        spec.machines.first { $0.name == machine }?.oses.flatMap(\.jobs).first { $0.name == name }
    }

    /// ⌈size × lost⌉, up to the machine's granule, never above the size.
    static func unreadable(_ size: Int, machine: String, _ spec: Spec) -> Int {
        let g = spec.machines.first { $0.name == machine }?.granule ?? 1
        let part = spec.policies.memoryLost.ceilPart(of: size)
        return min(size, (part + g - 1) / g * g)
    }

    /// Runs one case on a copy of `tables`.
    static func simulate(_ fault: Fault, tables original: Tables, spec: Spec) -> Outcome {
        var tables = original
        var outcome = Outcome()
        let m = fault.machine

        func addToPool(_ machine: String, _ bytes: Int) {
            guard var rows = tables[machine], let p = rows.firstIndex(where: { $0.kind == .unallocated }) else {
                return
            }
            rows[p].size += bytes
            tables[machine] = rows
        }
        func addToOS(_ machine: String, _ os: String, _ bytes: Int) {
            guard var rows = tables[machine], let i = rows.firstIndex(where: { $0.kind == .os && $0.name == os })
            else { return }
            rows[i].size += bytes
            tables[machine] = rows
            outcome.handed[machine, default: [:]][os, default: 0] += bytes
        }
        func needCopy(_ machine: String, _ standby: String, _ bytes: Int) {
            outcome.need[machine, default: [:]][standby, default: 0] += bytes
        }
        /// Moves one row of machine `m` the way its `on_fault` says; `stopped` is
        /// the OS that failed, which cannot receive anything.
        func move(_ row: Region, readable: Int, stopped: String?) {
            if row.onFault == monitorName {
                addToPool(m, readable)
                return
            }
            if row.kind == .os {
                // A kept OS area stays with its OS.
                return
            }
            guard let job = job(row.name, on: m, spec) else { return }
            let parts = row.onFault.split(separator: "/").map(String.init)
            if parts.count == 2 {
                addToPool(m, readable)
                needCopy(parts[0], parts[1], job.standbyMemory)
            } else if row.onFault == stopped {
                addToPool(m, readable)
                outcome.hotJobLost = true
            } else {
                addToOS(m, row.onFault, readable)
                needCopy(m, row.onFault, job.standbyMemory)
            }
        }

        let rows = tables[m] ?? []
        switch fault.kind {
        case .os, .memory:
            for row in rows where row.owner == fault.target && (row.kind == .os || row.kind == .job) {
                let lost = fault.kind == .memory ? unreadable(row.size, machine: m, spec) : 0
                move(row, readable: row.size - lost, stopped: fault.target)
            }
        case .job:
            guard let row = rows.first(where: { $0.kind == .job && $0.name == fault.target }),
                let job = job(row.name, on: m, spec), let severity = fault.severity
            else { break }
            switch job.policy[severity] {
            case .restart:
                break
            case .stop:
                if row.onFault != monitorName { outcome.hotJobLost = true }
            case .failover:
                if row.onFault != monitorName { move(row, readable: row.size, stopped: nil) }
            }
        case .standby:
            outcome.alwaysCovered = true
        case .machine:
            for row in rows where row.kind == .job && row.onFault != monitorName {
                let parts = row.onFault.split(separator: "/").map(String.init)
                if parts.count == 2 && parts[0] != m, let job = job(row.name, on: m, spec) {
                    needCopy(parts[0], parts[1], job.standbyMemory)
                } else {
                    outcome.hotJobLost = true
                }
            }
            tables[m] = nil
        }
        for (machine, rows) in tables {
            outcome.pool[machine] = rows.first { $0.kind == .unallocated }?.size ?? 0
        }
        return outcome
    }
}
