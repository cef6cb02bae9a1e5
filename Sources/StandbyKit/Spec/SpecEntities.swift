import YAMLReader

/// The decoding of the entities: a machine, its OSes and their jobs, each a
/// mapping whose keys come from ``SpecKeys``; a machine's sizes are rounded to
/// its granule once the whole machine is read.
extension SpecDecoding {
    /// Reads the mapping of an entity that starts at `start`: its name (key
    /// `nameKey`) into `name`, each other known key and its value to `body`
    /// (with the decoder, which `body` cannot capture while this runs);
    /// reports and skips unknown keys, then reports the required keys it
    /// lacks that no reported typo explains, calling it "`noun` 'name'".
    /// Returns the keys seen.
    @discardableResult
    mutating func readEntity<K>(
        _ start: YAMLToken, keys: KeyTable<K>, noun: String, nameKey: K, name: inout Located<String>?,
        _ body: (inout Self, K, YAMLToken) throws(YAMLError) -> Void
    ) throws(YAMLError) -> KeyMask {
        var seen = KeyMask()
        // Required keys whose absence a reported typo explains.
        var explained = KeyMask()
        while let key = try nextKey() {
            let value = try reader.nextToken()
            guard let known = keys.match(key) else {
                if let meant = try unknownKey(key, value: value, in: keys) { explained.insert(meant) }
                continue
            }
            seen.insert(known)
            if known.rawValue == nameKey.rawValue {
                name = try self.name(value, key: keys[known])
            } else {
                try body(&self, known, value)
            }
        }
        missingKeys(
            of: keys, seen: seen, explained: explained, in: name.map { "\(noun) '\($0.value)'" } ?? keys.place, at: start)
        return seen
    }

    /// `size` unless it is 0, which is reported as `code` with `message` and `note`.
    mutating func aboveZero(
        _ size: Located<Int>?, _ code: DiagnosticCode, _ message: String, note: String
    ) -> Located<Int>? {
        guard let size, size.value == 0 else { return size }
        diagnostics.error(code, message, at: size.location, notes: [.init(note)])
        return nil
    }

    mutating func machine(_ start: YAMLToken) throws(YAMLError) -> Machine? {
        let keys = SpecKeys.machine
        var name: Located<String>?
        var memory: Located<Int>?
        var monitor: Located<Int>?
        var granule: Located<Int>?
        var reserve: Located<Int>?
        var oses: [OS]?
        var osesLocation: SourceLocation?
        let seen = try readEntity(start, keys: keys, noun: "machine", nameKey: .name, name: &name) {
            (d, known, value) throws(YAMLError) in
            switch known {
            case .name:
                break  // read by readEntity
            case .memory:
                memory = try d.size(value, key: keys[.memory])
            case .monitor:
                monitor = try d.size(value, key: keys[.monitor])
            case .granule:
                granule = d.aboveZero(
                    try d.size(value, key: keys[.granule]), .invalidGranule, "'granule' must be above 0",
                    note: "remove it for the default of 1Mi, or write a size such as 4Ki")
            case .reserve:
                reserve = try d.size(value, key: keys[.reserve])
            case .oses:
                osesLocation = d.location(value)
                oses = try d.listOfMappings(value, key: keys[.oses]) { (d, item) throws(YAMLError) in try d.os(item) }
            }
        }
        guard let name, var memory, var monitor, var oses else { return nil }
        if seen.contains(MachineKey.granule) && granule == nil || seen.contains(MachineKey.reserve) && reserve == nil {
            return nil
        }
        let g = granule?.value ?? (1 << 20)
        var reserveValue = reserve ?? Located(value: 0, location: SourceLocation(start.mark))
        // Round now that the granule is known; the machine's memory rounds down so
        // that rounding never invents memory the machine does not have.
        var valid = true
        memory.value = roundDown(memory, to: g, key: keys[.memory])
        valid = roundUp(&monitor, to: g, key: keys[.monitor]) && valid
        if reserve != nil { valid = roundUp(&reserveValue, to: g, key: keys[.reserve]) && valid }
        for o in oses.indices {
            valid = roundUp(&oses[o].memory, at: oses[o].memoryLocation, to: g, key: SpecKeys.os[.memory]) && valid
            valid = roundUp(&oses[o].kernel, at: oses[o].kernelLocation, to: g, key: SpecKeys.os[.kernel]) && valid
            for j in oses[o].jobs.indices {
                // Each size read alone (a copy of the whole job would retain its
                // strings), and a job written back only when a size of it rounds.
                let memory = oses[o].jobs[j].memory
                if memory % g != 0 {
                    var rounded = memory
                    if roundUp(&rounded, at: oses[o].jobs[j].memoryLocation, to: g, key: SpecKeys.job[.memory]) {
                        // Without its own, the standby memory is the memory.
                        let ownStandbyMemory = oses[o].jobs[j].standbyMemoryLocation != nil
                        oses[o].jobs[j].setSizes(
                            memory: rounded, standbyMemory: ownStandbyMemory ? nil : rounded)
                    } else {
                        valid = false
                    }
                }
                let standbyMemory = oses[o].jobs[j].standbyMemory
                if standbyMemory % g != 0, let at = oses[o].jobs[j].standbyMemoryLocation {
                    var rounded = standbyMemory
                    if roundUp(&rounded, at: at, to: g, key: SpecKeys.job[.standbyMemory]) {
                        oses[o].jobs[j].setSizes(memory: nil, standbyMemory: rounded)
                    } else {
                        valid = false
                    }
                }
            }
        }
        guard valid else { return nil }
        return Machine(
            name: name.value, memory: memory.value, monitor: monitor.value, granule: g,
            reserve: reserveValue.value, oses: oses, location: name.location,
            memoryLocation: memory.location, monitorLocation: monitor.location,
            reserveLocation: reserve?.location, osesLocation: osesLocation)
    }


    mutating func os(_ start: YAMLToken) throws(YAMLError) -> OS? {
        let keys = SpecKeys.os
        var name: Located<String>?
        var role: OSRole?
        var memory: Located<Int>?
        var kernel: Located<Int>?
        var standby: OSReference?
        var jobs: [Job]? = []
        var valid = true
        try readEntity(start, keys: keys, noun: "OS", nameKey: .name, name: &name) {
            (d, known, value) throws(YAMLError) in
            switch known {
            case .name:
                break  // read by readEntity
            case .role:
                role = try d.enumValue(value, OSRole.self, key: keys[.role])
            case .memory:
                memory = try d.size(value, key: keys[.memory])
            case .kernel:
                kernel = try d.size(value, key: keys[.kernel])
            case .standby:
                standby = try d.reference(value, key: keys[.standby])
                valid = valid && !standby.isNone
            case .jobs:
                jobs = try d.listOfMappings(value, key: keys[.jobs]) { (d, item) throws(YAMLError) in try d.job(item) }
            }
        }
        guard valid, let name, let role, let memory, let kernel, let jobs else { return nil }
        return OS(
            name: name.value, role: role, memory: memory.value, kernel: kernel.value,
            standby: standby, jobs: jobs, location: name.location,
            memoryLocation: memory.location, kernelLocation: kernel.location)
    }


    mutating func job(_ start: YAMLToken) throws(YAMLError) -> Job? {
        let keys = SpecKeys.job
        var name: Located<String>?
        var memory: Located<Int>?
        var hotStandby: Located<Bool>?
        var standbyMemory: Located<Int>?
        var standby: OSReference?
        var growth: GrowthRate?
        var light: JobFaultAction?
        var severe: JobFaultAction?
        var valid = true
        try readEntity(start, keys: keys, noun: "job", nameKey: .name, name: &name) {
            (d, known, value) throws(YAMLError) in
            switch known {
            case .name:
                break  // read by readEntity
            case .memory:
                memory = d.aboveZero(
                    try d.size(value, key: keys[.memory]), .jobMemoryZero, "a job's 'memory' must be above 0",
                    note: "give the job the memory its region needs, or remove the job")
            case .hotStandby:
                hotStandby = try d.boolean(value, key: keys[.hotStandby])
                valid = valid && hotStandby != nil
            case .standbyMemory:
                standbyMemory = try d.size(value, key: keys[.standbyMemory])
                valid = valid && standbyMemory != nil
            case .standby:
                standby = try d.reference(value, key: keys[.standby])
                valid = valid && !standby.isNone
            case .policy:
                (light, severe) = try d.jobFaultPolicy(value, key: keys[.policy])
            case .growth:
                growth = try d.growth(value, key: keys[.growth])
                valid = valid && growth != nil
            }
        }
        guard valid, let name, let memory else { return nil }
        if light != nil || severe != nil {
            overrides.append((jobCount, light, severe))
        }
        jobCount += 1
        return Job(
            name: name.value, memory: memory.value, hotStandby: hotStandby?.value ?? false,
            standbyMemory: standbyMemory?.value, standby: standby, location: name.location,
            memoryLocation: memory.location, hotStandbyLocation: hotStandby?.location,
            standbyMemoryLocation: standbyMemory?.location, growth: growth)
    }

    // MARK: - Rounding

    mutating func roundDown(_ size: Located<Int>, to granule: Int, key: String) -> Int {
        let rounded = Quantity.roundDown(size.value, to: granule)
        if rounded != size.value { rounding(size.value, to: rounded, granule: granule, at: size.location, key: key, up: false) }
        return rounded
    }

    mutating func roundUp(_ size: inout Located<Int>, to granule: Int, key: String) -> Bool {
        roundUp(&size.value, at: size.location, to: granule, key: key)
    }

    /// Rounds `size` up in place; `false` (with an error) when that passes 2^63−1.
    mutating func roundUp(
        _ size: inout Int, at location: SourceLocation?, to granule: Int, key: String
    ) -> Bool {
        guard let rounded = Quantity.roundUp(size, to: granule) else {
            diagnostics.error(
                .sizeOutOfRange,
                "'\(key)' rounded up to the granule passes the largest size, \(Int.max) bytes",
                at: location ?? .start)
            return false
        }
        if rounded != size {
            rounding(size, to: rounded, granule: granule, at: location ?? .start, key: key, up: true)
        }
        size = rounded
        return true
    }

    mutating func rounding(
        _ size: Int, to rounded: Int, granule: Int, at location: SourceLocation, key: String, up: Bool
    ) {
        // The old and the new size in one exact scale, as a fix's change says them.
        let scale = Size.exactScale(for: [size, rounded])
        diagnostics.warning(
            .roundedSize,
            "'\(key)' rounded \(up ? "up" : "down") from \(scale.format(size)) to \(scale.format(rounded)), "
                + "a multiple of the \(Size.describe(granule)) granule",
            at: location,
            notes: [.init("write '\(Quantity.literal(rounded))', or set a smaller 'granule' on the machine")])
    }
}
