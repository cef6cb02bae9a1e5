/// The values of two specs that differ, by their paths in the spec
/// (`machines/<m>/oses/<os>/jobs/<j>/standby_memory`), located in NEW, or at
/// the nearest entity NEW still has for a value it removed.
///
/// Sizes are written as exact quantities (`384Mi`, or bytes), so a change of
/// one byte shows; entities are matched by name, and a change in the order of
/// jobs (their start order) is a change of the OS's `jobs`.
///
/// Only values written in one spec or the other are changes: a value left to
/// its default in both (a job's `standby_memory`, which follows its `memory`;
/// a job's `policy`, which follows `policies.job_fault`) is not listed when
/// what it follows changes, since nothing was written there. Every other
/// default is a constant, which differs only where a spec writes the value.
enum ValueChanges {
    typealias Change = PlanDiff.ValueChange

    static func policies(_ old: Policies, _ new: Policies, location: SourceLocation?) -> [Change] {
        var changes: [Change] = []
        func compare(_ key: String, _ a: String, _ b: String) {
            if a != b { changes.append(Change(path: "policies/\(key)", old: a, new: b, location: location)) }
        }
        compare("faults", old.faults.map(\.rawValue).joined(separator: ","), new.faults.map(\.rawValue).joined(separator: ","))
        compare("job_fault/light", old.jobFault.light.rawValue, new.jobFault.light.rawValue)
        compare("job_fault/severe", old.jobFault.severe.rawValue, new.jobFault.severe.rawValue)
        compare("os_fault/os_area", old.osArea.rawValue, new.osArea.rawValue)
        compare("memory_fault/lost", old.memoryLost.description, new.memoryLost.description)
        compare("pool", "\(old.pool)", "\(new.pool)")
        return changes
    }

    /// The changes of one machine; `nil` on a side where it does not exist.
    /// `policies` are each spec's, which a job's own `policy` falls back on.
    static func machine(_ old: Machine?, _ new: Machine?, policies: (old: Policies, new: Policies)) -> [Change] {
        guard let name = new?.name ?? old?.name else { return [] }
        let path = "machines/\(name)"
        guard let old, let new else {
            return [Change(path: path, old: old.map { _ in "present" }, new: new.map { _ in "present" }, location: new?.location)]
        }
        var changes: [Change] = []
        func size(_ key: String, _ a: Int, _ b: Int, _ at: SourceLocation?) {
            if a != b {
                changes.append(Change(path: "\(path)/\(key)", old: Quantity.literal(a), new: Quantity.literal(b), location: at ?? new.location))
            }
        }
        size("memory", old.memory, new.memory, new.memoryLocation)
        size("monitor", old.monitor, new.monitor, new.monitorLocation)
        size("granule", old.granule, new.granule, nil)
        size("reserve", old.reserve, new.reserve, new.reserveLocation)
        let oldOSes = Dictionary(old.oses.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(new.oses.map(\.name))
        for os in new.oses {
            changes += self.os(oldOSes[os.name], os, path: "\(path)/oses/\(os.name)", policies: policies)
        }
        for os in old.oses where !newNames.contains(os.name) {
            changes.append(Change(path: "\(path)/oses/\(os.name)", old: "present", new: nil, location: new.osesLocation ?? new.location))
        }
        return changes
    }

    private static func os(_ old: OS?, _ new: OS, path: String, policies: (old: Policies, new: Policies)) -> [Change] {
        guard let old else { return [Change(path: path, old: nil, new: "present", location: new.location)] }
        var changes: [Change] = []
        func value(_ key: String, _ a: String, _ b: String, _ at: SourceLocation?) {
            if a != b { changes.append(Change(path: "\(path)/\(key)", old: a, new: b, location: at ?? new.location)) }
        }
        value("role", old.role.rawValue, new.role.rawValue, nil)
        value("memory", Quantity.literal(old.memory), Quantity.literal(new.memory), new.memoryLocation)
        value("kernel", Quantity.literal(old.kernel), Quantity.literal(new.kernel), new.kernelLocation)
        value("standby", old.standby?.description ?? "", new.standby?.description ?? "", new.standby?.location)
        let oldJobs = Dictionary(old.jobs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(new.jobs.map(\.name))
        let kept = new.jobs.map(\.name).filter { oldJobs[$0] != nil }
        let keptBefore = old.jobs.map(\.name).filter(newNames.contains)
        if kept != keptBefore {
            value("jobs", keptBefore.joined(separator: ","), kept.joined(separator: ","), nil)
        }
        for job in new.jobs {
            let jobPath = "\(path)/jobs/\(job.name)"
            guard let was = oldJobs[job.name] else {
                changes.append(Change(path: jobPath, old: nil, new: "present", location: job.location))
                continue
            }
            func jobValue(_ key: String, _ a: String, _ b: String, _ at: SourceLocation?) {
                if a != b { changes.append(Change(path: "\(jobPath)/\(key)", old: a, new: b, location: at ?? job.location)) }
            }
            jobValue("memory", Quantity.literal(was.memory), Quantity.literal(job.memory), job.memoryLocation)
            jobValue("hot_standby", "\(was.hotStandby)", "\(job.hotStandby)", job.hotStandbyLocation)
            // Defaulted on both sides, it follows the job's memory: no value of its own changed.
            if was.standbyMemoryLocation != nil || job.standbyMemoryLocation != nil {
                jobValue(
                    "standby_memory", Quantity.literal(was.standbyMemory), Quantity.literal(job.standbyMemory),
                    job.standbyMemoryLocation)
            }
            jobValue("standby", was.standby?.description ?? "", job.standby?.description ?? "", job.standby?.location)
            // A job's action is its own where it differs from its spec's
            // `job_fault` on either side; else it follows the policies, whose
            // change is listed there.
            let (a, b) = (was.policy, job.policy)
            if a.light != policies.old.jobFault.light || b.light != policies.new.jobFault.light {
                jobValue("policy/light", a.light.rawValue, b.light.rawValue, nil)
            }
            if a.severe != policies.old.jobFault.severe || b.severe != policies.new.jobFault.severe {
                jobValue("policy/severe", a.severe.rawValue, b.severe.rawValue, nil)
            }
        }
        for job in old.jobs where !newNames.contains(job.name) {
            changes.append(Change(path: "\(path)/jobs/\(job.name)", old: "present", new: nil, location: new.location))
        }
        return changes
    }
}
