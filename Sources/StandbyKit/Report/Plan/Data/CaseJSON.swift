// A plan's cases as JSON objects, written from a template: a fleet writes
// hundreds of thousands of them, and most of a case's bytes are the same in
// every case.

extension PlanRenderer {
    /// Writes case `c` as the next element of the `cases` array `json` stands
    /// in: from ``CaseTemplate`` when the array is where a plan document has it,
    /// else member by member (``writeCaseMembersJSON(_:keys:into:)``, the same
    /// bytes).
    @inline(__always)
    static func writeCaseJSON<Text, Texts>(
        _ c: CaseRecord<Text, Texts>, template t: CaseTemplate, keys k: CaseKeys, into json: inout JSONWriter
    ) {
        let written = json.rawElement(depth: t.memberDepth - 1) { bytes, comma in
            writeCase(c, template: t, comma: comma, into: bytes)
        }
        if !written { writeCaseMembersJSON(c, keys: k, into: &json) }
    }

    /// The case's bytes, from its separator to its closing brace: the
    /// template's runs with the case's own values between them.
    private static func writeCase<Text, Texts>(
        _ c: CaseRecord<Text, Texts>, template t: CaseTemplate, comma: Bool, into bytes: FlatBuffer<UInt8>
    ) {
        var w = ByteCursor(bytes, room: t.room)
        w.append(t.open(comma: comma, action: c.action, covered: c.covered))
        text(c.id, into: &w)
        let lost = c.lostJobs
        w.append(t.afterID(kind: c.kind, emptyList: lost.isEmpty))
        if !lost.isEmpty {
            list(lost, t.caseList, into: &w)
            w.append(t.afterLost)
        }
        w.decimal(c.poolDraw)
        w.append(t.afterPoolDraw(severity: c.severity, emptyList: c.shortages.isEmpty))
        if !c.shortages.isEmpty {
            shortages(c.shortages, template: t, into: &w)
            w.append(t.afterShortages)
        }
        w.decimal(c.shortfall)
        let takenOver = c.takenOver
        w.append(t.afterShortfall(emptyList: takenOver.isEmpty))
        if !takenOver.isEmpty {
            list(takenOver, t.caseList, into: &w)
            w.append(t.afterTakenOver)
        }
        text(c.target, into: &w)
        let unprotected = c.unprotectedJobs
        w.append(t.afterTarget(emptyList: unprotected.isEmpty))
        if !unprotected.isEmpty {
            list(unprotected, t.caseList, into: &w)
            w.append(t.afterUnprotected)
        }
        w.decimal(c.unprotectedMemory)
        w.append(t.close(emptyList: c.unrecoverable.isEmpty))
        if !c.unrecoverable.isEmpty {
            unrecoverable(c.unrecoverable, template: t, into: &w)
            w.append(t.closeAfterList)
        }
        w.commit()
    }

    /// A string value: quoted, and escaped when it is not known to be plain.
    @inline(__always)
    private static func text(_ value: some ExportText, into w: inout ByteCursor) {
        value.withUTF8Bytes { bytes in
            guard value.isPlain, let source = bytes.baseAddress else {
                w.appendThroughBuffer { $0.appendJSONString(bytes, plain: value.isPlain) }
                return
            }
            w.ensure(bytes.count + 2)
            w.append(UInt8(ascii: "\""))
            w.append(source, count: bytes.count)
            w.append(UInt8(ascii: "\""))
        }
    }

    /// A list of strings that is not empty: `[`, each on its own line, `]`.
    @inline(__always)
    private static func list<Text: ExportText>(
        _ values: some Collection<Text>, _ runs: CaseTemplate.ListRuns, into w: inout ByteCursor
    ) {
        var first = true
        for value in values {
            w.append(first ? runs.first : runs.next)
            first = false
            text(value, into: &w)
        }
        w.append(runs.end)
    }

    /// A case's shortages, which are not none: `[`, each an object, `]`.
    private static func shortages(_ shortages: some Collection<Shortage>, template t: CaseTemplate, into w: inout ByteCursor) {
        let r = t.shortage
        var first = true
        for s in shortages {
            w.ensure(0)
            w.append(first ? r.list.first : r.list.next)
            first = false
            w.decimal(s.coveringMemory)
            w.append(r.draw)
            w.decimal(s.draw)
            w.append(r.held)
            w.decimal(s.held)
            w.append(r.machine)
            text(s.machine, into: &w)
            w.append(r.released)
            w.decimal(s.released)
            w.append(r.requiredPool)
            if let required = s.requiredPool { w.decimal(required) } else { w.append(t.null) }
            w.append(r.shortfall)
            w.decimal(s.shortfall)
            w.append(r.standbys(emptyList: s.standbys.isEmpty))
            if !s.standbys.isEmpty {
                standbys(s.standbys, template: t, into: &w)
                w.append(r.end)
            }
        }
        w.append(r.list.end)
    }

    /// A shortage's standbys, which are not none.
    private static func standbys(_ standbys: [StandbyShortage], template t: CaseTemplate, into w: inout ByteCursor) {
        let r = t.standby
        var first = true
        for s in standbys {
            w.ensure(0)
            w.append(first ? r.list.first : r.list.next)
            first = false
            w.decimal(s.coveringAllocation)
            w.append(r.drawn)
            w.decimal(s.drawn)
            w.append(r.free)
            w.decimal(s.free)
            w.append(r.handed)
            w.decimal(s.handed)
            w.append(r.missing)
            w.decimal(s.missing)
            w.append(r.need)
            w.decimal(s.need)
            w.append(r.shortJobs(emptyList: s.shortJobs.isEmpty))
            if !s.shortJobs.isEmpty {
                list(s.shortJobs, r.jobs, into: &w)
                w.append(r.standby)
            }
            text(s.standby, into: &w)
            w.append(r.end)
        }
        w.append(r.list.end)
    }

    /// A case's unrecoverable jobs, which are not none.
    private static func unrecoverable(_ jobs: some Collection<UnrecoverableJob>, template t: CaseTemplate, into w: inout ByteCursor) {
        let r = t.unrecoverable
        var first = true
        for u in jobs {
            w.ensure(0)
            w.append(first ? r.list.first : r.list.next)
            first = false
            text(u.job, into: &w)
            switch u.reason {
            case .standbyDown(let standby):
                w.append(r.standbyDown)
                text(standby, into: &w)
                w.append(r.end)
            case .stoppedByPolicy: w.append(r.stoppedByPolicy)
            case .noStandby: w.append(r.noStandby)
            }
        }
        w.append(r.list.end)
    }
}

/// The bytes of a plan's case object that are the same in every case, made
/// once for the run, in runs from one value of the case to the next: a run
/// holds the end of a member, the keys up to the next value the case decides,
/// and the members whose values take one of a few spellings (`action`,
/// `covered`, `kind`, `severity`, an empty list), one run per spelling. The
/// objects a case holds (shortages, their standbys, unrecoverable jobs) have
/// runs of their own.
///
/// The case object is an element of `cases` in a plan document, its members
/// at ``memberDepth``; what the runs hold is what the general writer writes
/// there (a test compares the two on every kind of case).
// Sendable: immutable, made once, never freed.
struct CaseTemplate: @unchecked Sendable {
    static let shared = CaseTemplate(memberDepth: PlanRenderer.CaseKeys.caseDepth)

    /// The depth of a case's members.
    let memberDepth: Int
    /// Bytes the fixed runs and numbers can take between two places where
    /// the writer makes room (each string, each object of a list): the room
    /// a ``ByteCursor`` keeps ahead.
    let room: Int

    /// Per separator, `action` and `covered`: up to the value of `id`.
    private let opens: UnsafeBufferPointer<ByteRun>
    /// Per kind and empty `lost_jobs` or not: from after the id to the value
    /// of `lost_jobs`, or when it is empty of `pool_draw_bytes`.
    private let afterIDs: UnsafeBufferPointer<ByteRun>
    let afterLost: ByteRun
    /// Per severity and empty `shortages` or not.
    private let afterPoolDraws: UnsafeBufferPointer<ByteRun>
    let afterShortages: ByteRun
    /// Per empty `taken_over` or not.
    private let afterShortfalls: UnsafeBufferPointer<ByteRun>
    let afterTakenOver: ByteRun
    /// Per empty `unprotected_jobs` or not.
    private let afterTargets: UnsafeBufferPointer<ByteRun>
    let afterUnprotected: ByteRun
    /// Per empty `unrecoverable` or not: to its value, or to the object's end.
    private let closes: UnsafeBufferPointer<ByteRun>
    let closeAfterList: ByteRun
    /// The lists of names a case holds.
    let caseList: ListRuns
    let null: ByteRun
    let shortage: ShortageRuns
    let standby: StandbyRuns
    let unrecoverable: UnrecoverableRuns

    /// What goes before the first element of a list, between two, and after
    /// the last.
    struct ListRuns {
        let first: ByteRun
        let next: ByteRun
        let end: ByteRun
    }

    /// A shortage: its list, and before each member after the first.
    struct ShortageRuns {
        let list: ListRuns
        let draw, held, machine, released, requiredPool, shortfall: ByteRun
        /// `standbys`: to its value, or `[]` and the end of the shortage.
        let standbysRuns: (ByteRun, ByteRun)
        let end: ByteRun

        @inline(__always)
        func standbys(emptyList: Bool) -> ByteRun { emptyList ? standbysRuns.1 : standbysRuns.0 }
    }

    /// A standby of a shortage, and the jobs of its list.
    struct StandbyRuns {
        let list: ListRuns
        let drawn, free, handed, missing, need: ByteRun
        /// `short_jobs`: to its value, or `[]` and the key of `standby`.
        let shortJobsRuns: (ByteRun, ByteRun)
        let standby: ByteRun
        let jobs: ListRuns
        let end: ByteRun

        @inline(__always)
        func shortJobs(emptyList: Bool) -> ByteRun { emptyList ? shortJobsRuns.1 : shortJobsRuns.0 }
    }

    /// An unrecoverable job: per reason, from after the job to the standby's
    /// value, or to the object's end.
    struct UnrecoverableRuns {
        let list: ListRuns
        let standbyDown, stoppedByPolicy, noStandby: ByteRun
        let end: ByteRun
    }

    init(memberDepth depth: Int) {
        memberDepth = depth
        func indent(_ depth: Int) -> String { String(repeating: " ", count: 2 * depth) }
        /// The end of the member before, and key `name` at `depth`.
        func member(_ name: String, _ depth: Int = depth) -> String { ",\n\(indent(depth))\"\(name)\": " }
        func quoted(_ spelling: StaticString) -> String { "\"\(spelling)\"" }
        let actions = ["null"] + JobFaultAction.allCases.map { quoted($0.spelling) }
        let severities = ["null"] + Severity.allCases.map { quoted($0.spelling) }

        var made: [String] = []
        func run(_ text: String) -> ByteRun {
            made.append(text)
            return ByteRun(text)
        }
        func table(_ texts: [String]) -> UnsafeBufferPointer<ByteRun> {
            let table = UnsafeMutableBufferPointer<ByteRun>.allocate(capacity: texts.count)
            _ = table.initialize(from: texts.map(run))
            return UnsafeBufferPointer(table)
        }
        /// `key` and, per empty list or not, what follows `[]` up to `next`'s value.
        func list(_ key: String, before: String = "", then next: String, after: String = "") -> [String] {
            [before + member(key), before + member(key) + "[]" + member(next) + after]
        }
        /// The runs of a list of elements at `depth`, each opening with `open`.
        func listRuns(_ depth: Int, open: String = "") -> ListRuns {
            ListRuns(
                first: run("[\n\(indent(depth))\(open)"), next: run(",\n\(indent(depth))\(open)"),
                end: run("\n\(indent(depth - 1))]"))
        }
        /// The start of an object at `depth` (in a list) up to its first member's value.
        func object(_ depth: Int, first key: String) -> String { "{\n\(indent(depth + 1))\"\(key)\": " }

        var opens: [String] = []
        for comma in ["", ","] {
            for action in actions {
                for covered in ["false", "true"] {
                    opens.append("\(comma)\n\(indent(depth - 1))\(object(depth - 1, first: "action"))\(action)\(member("covered"))\(covered)\(member("id"))")
                }
            }
        }
        self.opens = table(opens)
        afterIDs = table(FaultKind.allCases.flatMap { kind in list("lost_jobs", before: member("kind") + quoted(kind.spelling), then: "pool_draw_bytes") })
        afterLost = run(member("pool_draw_bytes"))
        afterPoolDraws = table(severities.flatMap { list("shortages", before: member("severity") + $0, then: "shortfall_bytes") })
        afterShortages = run(member("shortfall_bytes"))
        afterShortfalls = table(list("taken_over", then: "target"))
        afterTakenOver = run(member("target"))
        afterTargets = table(list("unprotected_jobs", then: "unprotected_memory_bytes"))
        afterUnprotected = run(member("unprotected_memory_bytes"))
        closes = table([member("unrecoverable"), member("unrecoverable") + "[]\n\(indent(depth - 1))}"])
        closeAfterList = run("\n\(indent(depth - 1))}")
        caseList = listRuns(depth + 1)
        null = run("null")

        // A shortage is an element at depth + 1, its members at depth + 2; a
        // standby of it at depth + 3, with members at depth + 4.
        let s = depth + 2
        shortage = ShortageRuns(
            list: listRuns(depth + 1, open: object(depth + 1, first: "covering_memory_bytes")),
            draw: run(member("draw_bytes", s)), held: run(member("held_bytes", s)), machine: run(member("machine", s)),
            released: run(member("released_bytes", s)), requiredPool: run(member("required_pool_bytes", s)),
            shortfall: run(member("shortfall_bytes", s)),
            standbysRuns: (run(member("standbys", s)), run(member("standbys", s) + "[]\n\(indent(depth + 1))}")),
            end: run("\n\(indent(depth + 1))}"))
        let b = depth + 4
        standby = StandbyRuns(
            list: listRuns(depth + 3, open: object(depth + 3, first: "covering_allocation_bytes")),
            drawn: run(member("drawn_bytes", b)), free: run(member("free_bytes", b)), handed: run(member("handed_bytes", b)),
            missing: run(member("missing_bytes", b)), need: run(member("need_bytes", b)),
            shortJobsRuns: (run(member("short_jobs", b)), run(member("short_jobs", b) + "[]" + member("standby", b))),
            standby: run(member("standby", b)), jobs: listRuns(depth + 5), end: run("\n\(indent(depth + 3))}"))
        let end = "\n\(indent(depth + 1))}"
        unrecoverable = UnrecoverableRuns(
            list: listRuns(depth + 1, open: object(depth + 1, first: "job")),
            standbyDown: run(member("reason", s) + quoted("standby_down") + member("standby", s)),
            stoppedByPolicy: run(member("reason", s) + quoted("stopped_by_policy") + member("standby", s) + "null" + end),
            noStandby: run(member("reason", s) + quoted("no_standby") + member("standby", s) + "null" + end),
            end: run(end))

        // Every run in whole blocks and the most numbers written between two
        // places that make room (a standby's six): more than any stretch.
        room = made.reduce(0) { $0 + ($1.utf8.count / ByteRun.block + 1) * ByteRun.block } + 8 * maxDecimalCount
    }

    @inline(__always)
    func open(comma: Bool, action: JobFaultAction?, covered: Bool) -> ByteRun {
        let a: Int
        switch action {
        case nil: a = 0
        case .restart: a = 1
        case .stop: a = 2
        case .failover: a = 3
        }
        return opens[(comma ? 8 : 0) &+ 2 &* a &+ (covered ? 1 : 0)]
    }

    @inline(__always)
    func afterID(kind: FaultKind, emptyList: Bool) -> ByteRun {
        let k: Int
        switch kind {
        case .os: k = 0
        case .job: k = 1
        case .standby: k = 2
        case .memory: k = 3
        case .machine: k = 4
        }
        return afterIDs[2 &* k &+ (emptyList ? 1 : 0)]
    }

    @inline(__always)
    func afterPoolDraw(severity: Severity?, emptyList: Bool) -> ByteRun {
        let s: Int
        switch severity {
        case nil: s = 0
        case .light: s = 1
        case .severe: s = 2
        }
        return afterPoolDraws[2 &* s &+ (emptyList ? 1 : 0)]
    }

    @inline(__always)
    func afterShortfall(emptyList: Bool) -> ByteRun { afterShortfalls[emptyList ? 1 : 0] }

    @inline(__always)
    func afterTarget(emptyList: Bool) -> ByteRun { afterTargets[emptyList ? 1 : 0] }

    @inline(__always)
    func close(emptyList: Bool) -> ByteRun { closes[emptyList ? 1 : 0] }
}
