// The plan as JSON (schemas/plan.schema.json), written case by case as each is simulated.

extension PlanRenderer {
    // MARK: - JSON

    /// The plan's document; `machines` writes the elements of its `machines` array.
    static func renderJSON(
        _ plan: PlanSummary, machines: (inout JSONWriter) -> Void, flush: (inout JSONWriter) -> Void
    ) {
        var json = JSONWriter.report { json in
            json.field("covered", plan.uncoveredCaseCount == 0)
            json.faults(plan.faults)
        }
        json.key("machines")
        json.beginArray()
        machines(&json)
        json.endArray()
        json.key("totals")
        SortedJSONScalars.writeObject(
            plan.totals.jsonMembers + [
                ("case_count", .int(plan.caseCount)), ("machine_count", .int(plan.machineCount)),
                ("uncovered_case_count", .int(plan.uncoveredCaseCount)),
            ], into: &json)
        json.endObject()
        flush(&json)
    }

    /// Writes one machine with the edits its least-memory fix makes (none
    /// when it needs no change) and those that write its least layout (`layout`,
    /// from the same figures); the cases are flushed once `piece` bytes or
    /// more are buffered (0: one case at a time).
    static func writeMachineJSON(
        _ machine: some ExportedMachine, fix: [Advice.Edit], layout: LeastLayout?, piece: Int,
        into json: inout JSONWriter, flush: (inout JSONWriter) -> Void
    ) {
        let m = machine.plan
        // The figures and the machine's own scalars fall among its arrays in key order.
        var scalars = SortedJSONScalars(
            m.jsonMembers + [
                ("covered", .bool(machine.covered)), ("memory_bytes", .int(m.memory)),
                ("monitor_bytes", .int(m.monitor)), ("name", .string(m.name)), ("pool_bytes", .int(m.pool)),
                ("spare_bytes", .int(layout?.spare ?? 0)),
            ])
        json.beginObject()
        scalars.write(upTo: "actives", into: &json)
        let k = MachineKeys.shared
        writeObjects(m.actives, into: &json) { o, a in
            o.field(k[.footprintBytes], a.footprint)
            o.field(k[.name], a.name)
            o.strings(k[.protectedBy], a.protectedBy)
        }
        scalars.write(upTo: "cases", into: &json)
        json.beginArray()
        let keys = CaseKeys.shared
        let template = CaseTemplate.shared
        machine.forEachCase { c in
            writeCaseJSON(c, template: template, keys: keys, into: &json)
            // A fleet's cases run to hundreds of megabytes: never buffer them all.
            if json.bufferedByteCount >= piece { flush(&json) }
        }
        json.endArray()
        scalars.write(upTo: "fix", into: &json)
        writeEdits(fix, into: &json)
        scalars.write(upTo: "reclaim", into: &json)
        writeEdits(layout?.edits ?? [], into: &json)
        scalars.write(upTo: "standbys", into: &json)
        writeObjects(m.standbys, into: &json) { o, s in
            o.field(k[.allocatedBytes], s.allocated)
            o.field(k[.kernelBytes], s.kernel)
            o.field(k[.minimumBytes], s.minimum)
            o.field(k[.name], s.name)
            o.strings(k[.protects], s.protects)
            o.field(k[.residentBytes], s.resident)
        }
        scalars.write(upTo: nil, into: &json)
        json.strings("unrecoverable_jobs", m.unrecoverableJobs)
        json.endObject()
        flush(&json)
    }

    /// Edits of the spec (a fix's, a least layout's), one object each.
    static func writeEdits(_ edits: [Advice.Edit], into json: inout JSONWriter) {
        let k = MachineKeys.shared
        writeObjects(edits, into: &json) { o, edit in
            o.field(k[.column], orNull: edit.location?.column)
            o.field(k[.fromBytes], edit.from)
            o.field(k[.line], orNull: edit.location?.line)
            o.field(k[.target], edit.target)
            o.field(k[.toBytes], edit.to)
        }
    }

    /// An array of one object per item, whose members `body` writes.
    private static func writeObjects<Item>(
        _ items: [Item], into json: inout JSONWriter, _ body: (inout JSONWriter.Members, Item) -> Void
    ) {
        json.beginArray()
        for item in items {
            json.object { body(&$0, item) }
        }
        json.endArray()
    }

    /// The keys of the objects a machine holds (its actives, standbys and
    /// edits), made ready for their depth in a plan document (5: the
    /// document, `machines`, the machine, the list, the object).
    // Sendable: immutable, made once, never freed.
    struct MachineKeys: @unchecked Sendable {
        static let shared = MachineKeys()

        /// The members of a machine's actives, standbys and edits; each is
        /// spelled as its name in snake case.
        enum Member: Int, CaseIterable {
            case allocatedBytes, column, footprintBytes, fromBytes, kernelBytes, line, minimumBytes, name, protectedBy
            case protects, residentBytes, target, toBytes
        }

        private let keys = CaseKeys.table(Member.allCases.map { JSONWriter.StaticKey.make(CaseKeys.snakeCase($0), depth: 5) })

        subscript(member: Member) -> JSONWriter.StaticKey { keys[member.rawValue] }
    }

    /// A case member by member, through the general object writer: what
    /// ``writeCaseJSON(_:template:keys:into:)`` writes from its template.
    static func writeCaseMembersJSON<Text, Texts>(
        _ c: CaseRecord<Text, Texts>, keys k: CaseKeys, into json: inout JSONWriter
    ) {
        var o = json.beginMembers()
        o.field(k[.action], orNull: c.actionName)
        o.field(k[.covered], c.covered)
        o.field(k[.id], c.id)
        o.field(k[.kind], c.kindName)
        let lost = c.lostJobs
        lost.isEmpty ? o.emptyArray(k[.lostJobs]) : o.strings(k[.lostJobs], lost)
        o.field(k[.poolDrawBytes], c.poolDraw)
        o.field(k[.severity], orNull: c.severityName)
        writeShortages(c.shortages, as: k[.shortages], keys: k, into: &o)
        o.field(k[CaseKeys.CaseMember.shortfallBytes], c.shortfall)
        let takenOver = c.takenOver
        takenOver.isEmpty ? o.emptyArray(k[.takenOver]) : o.strings(k[.takenOver], takenOver)
        o.field(k[.target], c.target)
        let unprotected = c.unprotectedJobs
        unprotected.isEmpty ? o.emptyArray(k[.unprotectedJobs]) : o.strings(k[.unprotectedJobs], unprotected)
        o.field(k[.unprotectedMemoryBytes], c.unprotectedMemory)
        writeUnrecoverable(c.unrecoverable, keys: k, into: &o)
        json.endMembers(o)
    }

    /// The one writer of shortages (a case's, a set of faults'), as `key`;
    /// with `missing`, each with what its standbys lacked before the pool gave.
    static func writeShortages(
        _ shortages: some Collection<Shortage>, as key: JSONWriter.StaticKey, missing: Bool = false, keys k: CaseKeys,
        into o: inout JSONWriter.Members
    ) {
        o.objects(key, shortages) { o, s in
            o.field(k[.coveringMemoryBytes], s.coveringMemory)
            o.field(k[.drawBytes], s.draw)
            o.field(k[.heldBytes], s.held)
            o.field(k[.machine], s.machine)
            if missing { o.field(k[.missingBytes], s.missing) }
            o.field(k[.releasedBytes], s.released)
            o.field(k[.requiredPoolBytes], orNull: s.requiredPool)
            o.field(k[CaseKeys.NestedMember.shortfallBytes], s.shortfall)
            o.objects(k[.standbys], s.standbys) { o, st in
                o.field(k[standby: .coveringAllocationBytes], st.coveringAllocation)
                o.field(k[standby: .drawnBytes], st.drawn)
                o.field(k[standby: .freeBytes], st.free)
                o.field(k[standby: .handedBytes], st.handed)
                o.field(k[standby: .missingBytes], st.missing)
                o.field(k[standby: .needBytes], st.need)
                o.strings(k[standby: .shortJobs], st.shortJobs)
                o.field(k[standby: .standby], st.standby)
            }
        }
    }

    /// The one writer of the jobs no memory brings back (a case's, a set of faults').
    static func writeUnrecoverable(_ jobs: some Collection<UnrecoverableJob>, keys k: CaseKeys, into o: inout JSONWriter.Members) {
        o.objects(k[.unrecoverable], jobs) { o, u in
            o.field(k[.job], u.job)
            o.field(k[.reason], u.reason.spelling)
            o.field(k[.standby], orNull: u.reason.standby)
        }
    }

    /// The keys of a case and what it holds, quoted once: a fleet writes them
    /// hundreds of thousands of times. A case's own members are at depth 5 (in
    /// the document, `machines`, a machine, `cases`, the case), those of its
    /// shortages and unrecoverable jobs at 7 and those of a shortage's standbys
    /// at 9, so each is also made ready with that indentation; any key is right
    /// at any depth.
    /// A renderer takes ``shared`` once per machine and lends it to each case,
    /// rather than reading a global per member.
    // Sendable: immutable, made once, never freed.
    struct CaseKeys: @unchecked Sendable {
        static let shared = CaseKeys()
        static let caseDepth = 5

        /// A case's own members; each is spelled as its name in snake case.
        enum CaseMember: Int, CaseIterable {
            case action, covered, id, kind, lostJobs, poolDrawBytes, severity, shortages, shortfallBytes, takenOver
            case target, unprotectedJobs, unprotectedMemoryBytes, unrecoverable
        }

        /// The members of a case's shortages and unrecoverable jobs, spelled alike.
        enum NestedMember: Int, CaseIterable {
            case coveringAllocationBytes, coveringMemoryBytes, drawBytes, drawnBytes, freeBytes, handedBytes, heldBytes, job, machine
            case machines, missingBytes, needBytes, reason, releasedBytes, requiredPoolBytes, shortJobs, shortfallBytes
            case standby, standbys
        }

        // Made once for the run (``shared``) and never freed, like the keys:
        // lending the table and reading a key count no references.
        private let caseKeys = Self.table(CaseMember.allCases.map { JSONWriter.StaticKey.make(snakeCase($0), depth: CaseKeys.caseDepth) })
        private let nestedKeys = Self.table(NestedMember.allCases.map { JSONWriter.StaticKey.make(snakeCase($0), depth: CaseKeys.caseDepth + 2) })
        private let standbyKeys = Self.table(NestedMember.allCases.map { JSONWriter.StaticKey.make(snakeCase($0), depth: CaseKeys.caseDepth + 4) })

        subscript(member: CaseMember) -> JSONWriter.StaticKey { caseKeys[member.rawValue] }
        /// A member of a shortage or an unrecoverable job.
        subscript(member: NestedMember) -> JSONWriter.StaticKey { nestedKeys[member.rawValue] }
        /// A member of a shortage's standby.
        subscript(standby member: NestedMember) -> JSONWriter.StaticKey { standbyKeys[member.rawValue] }

        static func table(_ keys: [JSONWriter.StaticKey]) -> UnsafeBufferPointer<JSONWriter.StaticKey> {
            let table = UnsafeMutableBufferPointer<JSONWriter.StaticKey>.allocate(capacity: keys.count)
            _ = table.initialize(from: keys)
            return UnsafeBufferPointer(table)
        }

        /// `poolDrawBytes` as `pool_draw_bytes`: the schema's spelling of a member.
        static func snakeCase(_ member: some Any) -> String {
            var name = ""
            for c in String(describing: member) {
                if c.isUppercase {
                    name += "_" + c.lowercased()
                } else {
                    name.append(c)
                }
            }
            return name
        }
    }

}
