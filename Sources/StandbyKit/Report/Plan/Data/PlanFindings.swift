/// The uncovered cases of a plan as CI findings (`standby plan --format
/// sarif|github`): one result per case not covered, located at the line of
/// the OS, job or machine the case concerns, so that a pull request shows it
/// on the lines it changed.
///
/// The message says why (what is short and on which machine, or which jobs
/// no memory brings back) and, where memory covers it, the fix of the machine
/// that is short; a related location points at that machine's `memory`.
public enum PlanFindings {
    /// The rule every such result has.
    public static let rule = "case-not-covered"

    /// The findings of `plan`, made from `compiled` (whose spec was read from
    /// `path`); `advice` is the least-memory fix of that spec, if any.
    public static func findings(_ plan: Plan, compiled: CompiledSpec, path: String, advice: Advice? = nil) -> [Finding] {
        let spec = compiled.spec
        var machineIndex: [String: Int] = [:]
        for (m, machine) in spec.machines.enumerated() where machineIndex[machine.name] == nil {
            machineIndex[machine.name] = m
        }
        var fixes: [String: Advice.MachineChange] = [:]
        for change in advice?.machines ?? [] { fixes[change.machine] = change }
        var findings: [Finding] = []
        for (m, machinePlan) in plan.machines.enumerated() where !machinePlan.cases.allSatisfy(\.covered) {
            let machine = spec.machines[m]
            let places = places(in: machine)
            for c in machinePlan.cases where !c.covered {
                var message = "\(c.id) is not covered"
                var related: [Finding.Related] = []
                for s in c.shortages where s.shortfall > 0 {
                    if let fix = fixes[s.machine] { related.append(Finding.Related(message: "fix: " + fix.sentence(path: path), location: nil)) }
                    if let short = machineIndex[s.machine] {
                        let target = spec.machines[short]
                        related.append(
                            Finding.Related(
                                message: "the memory of machine '\(target.name)', whose pool or standbys are short",
                                location: target.memoryLocation ?? target.location))
                    }
                }
                let why = Sentences.whyNotCovered(c)
                if !why.isEmpty { message += ": " + why.joined(separator: "; ") }
                findings.append(
                    Finding(
                        rule: rule, level: .error, message: message, path: path,
                        location: c.kind == .machine ? machine.location : places[c.target] ?? machine.location,
                        related: related))
            }
        }
        return findings
    }

    /// Where each OS and job of `machine` is written, by name (OS and job
    /// names share one namespace per machine): looked up once per machine,
    /// not once per case, since a machine may have thousands of job cases.
    static func places(in machine: Machine) -> [String: SourceLocation] {
        var places: [String: SourceLocation] = [:]
        for os in machine.oses {
            places[os.name] = places[os.name] ?? os.location
            for job in os.jobs { places[job.name] = places[job.name] ?? job.location }
        }
        return places
    }
}
