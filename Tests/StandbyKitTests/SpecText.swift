@testable import StandbyKit

/// A spec written as YAML the way people write specs, in a random mix of
/// styles: a comment on its own line before every machine and OS and after
/// many values, blank lines, sizes plain or quoted, in bytes or binary units,
/// jobs in flow or block style, and machines that merge their `monitor` (and
/// sometimes their `memory`) from the machine before them.
///
/// Every comment is unique (`# c<number>`), so a test can check that each
/// one survives an edit.
enum SpecText {
    static func write<R: RandomNumberGenerator>(_ spec: Spec, using rng: inout R) -> String {
        var comment = 0
        func note() -> String {
            comment += 1
            return "# c\(comment)"
        }
        func size(_ bytes: Int, _ rng: inout R) -> String {
            let literal = Int.random(in: 0..<4, using: &rng) == 0 ? "\(bytes)" : Quantity.literal(bytes)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: return "\"\(literal)\""
            case 1: return "'\(literal)'"
            default: return literal
            }
        }
        func trailing(_ rng: inout R) -> String { Bool.random(using: &rng) ? "   " + note() : "" }
        let p = spec.policies
        var out = "\(note())\nversion: 1\n"
        out += "policies:\n"
        out += "  faults: [\(p.faults.map(\.rawValue).joined(separator: ", "))]\n"
        out += "  job_fault: {light: \(p.jobFault.light.rawValue), severe: \(p.jobFault.severe.rawValue)}\n"
        out += "  os_fault: {os_area: \(p.osArea.rawValue)}\n"
        out += "  memory_fault: {lost: \(p.memoryLost)}\n"
        out += "  pool: \(p.pool)\n"
        out += "machines:\n"
        var previousAnchor: (name: String, memory: Int, monitor: Int)?
        for (m, machine) in spec.machines.enumerated() {
            out += "\n  \(note())\n"
            var merged: (memory: Bool, monitor: Bool) = (false, false)
            if let previous = previousAnchor, previous.monitor == machine.monitor, Bool.random(using: &rng) {
                out += "  - <<: *\(previous.name)\n    name: \(machine.name)\(trailing(&rng))\n"
                merged = (previous.memory == machine.memory, true)
            } else {
                let anchor = "m\(m)"
                out += "  - &\(anchor)\n    name: \(machine.name)\(trailing(&rng))\n"
                previousAnchor = (anchor, machine.memory, machine.monitor)
            }
            // A key the mapping merges is written again only sometimes (an explicit key wins).
            if !merged.memory || Bool.random(using: &rng) {
                out += "    memory: \(size(machine.memory, &rng))\(trailing(&rng))\n"
            }
            if !merged.monitor || Bool.random(using: &rng) {
                out += "    monitor: \(size(machine.monitor, &rng))\(trailing(&rng))\n"
            }
            out += "    granule: \(size(machine.granule, &rng))\n"
            if machine.reserve > 0 || previousAnchor != nil || Bool.random(using: &rng) {
                out += "    reserve: \(size(machine.reserve, &rng))\(trailing(&rng))\n"
            }
            out += "    oses:\n"
            for os in machine.oses {
                out += "      \(note())\n"
                out += "      - name: \(os.name)\n"
                out += "        role: \(os.role.rawValue)\n"
                out += "        memory: \(size(os.memory, &rng))\(trailing(&rng))\n"
                out += "        kernel: \(size(os.kernel, &rng))\n"
                if let standby = os.standby { out += "        standby: \(standby)\n" }
                if os.jobs.isEmpty { continue }
                out += "        jobs:\n"
                for job in os.jobs {
                    var fields = ["name: \(job.name)", "memory: \(size(job.memory, &rng))"]
                    if job.hotStandby {
                        fields += ["hot_standby: true", "standby_memory: \(size(job.standbyMemory, &rng))"]
                        if let standby = job.standby { fields.append("standby: \(standby)") }
                    }
                    fields.append("policy: {light: \(job.policy.light.rawValue), severe: \(job.policy.severe.rawValue)}")
                    if Bool.random(using: &rng) {
                        out += "          - {\(fields.joined(separator: ", "))}\(trailing(&rng))\n"
                    } else {
                        out += "          - " + fields.joined(separator: "\n            ") + "\n"
                    }
                }
            }
        }
        out += "\(note())\n"
        return out
    }
}
