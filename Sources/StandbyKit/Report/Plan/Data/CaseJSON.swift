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
        _ c: CaseRecord<Text, Texts>, template t: CaseTemplate, keys k: CaseKeys,
        into json: inout JSONWriter
    ) {
        let written = json.rawElement(depth: t.memberDepth - 1) { bytes, comma in
            writeCase(c, template: t, keys: k, comma: comma, into: bytes)
        }
        if !written { writeCaseMembersJSON(c, keys: k, into: &json) }
    }

    /// The case's bytes, from its separator to its closing brace: the
    /// template's runs with the case's own values between them.
    private static func writeCase<Text, Texts>(
        _ c: CaseRecord<Text, Texts>, template t: CaseTemplate, keys k: CaseKeys, comma: Bool,
        into bytes: FlatBuffer<UInt8>
    ) {
        var w = ByteCursor(bytes, room: t.room)
        w.append(t.open(comma: comma, action: c.action, covered: c.covered))
        text(c.id, into: &w)
        let lost = c.lostJobs
        w.append(t.afterID(kind: c.kind, emptyList: lost.isEmpty))
        if !lost.isEmpty {
            list(lost, template: t, into: &w)
            w.append(t.afterLost)
        }
        w.decimal(c.poolDraw)
        w.append(t.afterPoolDraw(severity: c.severity, emptyList: c.shortages.isEmpty))
        if !c.shortages.isEmpty {
            w.appendThroughBuffer { bytes in
                JSONWriter.Members.objectArray(c.shortages, memberDepth: t.memberDepth, into: bytes) { o, s in
                    writeShortage(s, keys: k, into: &o)
                }
            }
            w.append(t.afterShortages)
        }
        w.decimal(c.shortfall)
        let takenOver = c.takenOver
        w.append(t.afterShortfall(emptyList: takenOver.isEmpty))
        if !takenOver.isEmpty {
            list(takenOver, template: t, into: &w)
            w.append(t.afterTakenOver)
        }
        text(c.target, into: &w)
        let unprotected = c.unprotectedJobs
        w.append(t.afterTarget(emptyList: unprotected.isEmpty))
        if !unprotected.isEmpty {
            list(unprotected, template: t, into: &w)
            w.append(t.afterUnprotected)
        }
        w.decimal(c.unprotectedMemory)
        w.append(t.close(emptyList: c.unrecoverable.isEmpty))
        if !c.unrecoverable.isEmpty {
            w.appendThroughBuffer { bytes in
                JSONWriter.Members.objectArray(c.unrecoverable, memberDepth: t.memberDepth, into: bytes) { o, u in
                    writeUnrecoverable(u, keys: k, into: &o)
                }
            }
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
        _ values: some Collection<Text>, template t: CaseTemplate, into w: inout ByteCursor
    ) {
        var first = true
        for value in values {
            w.append(first ? t.firstElement : t.nextElement)
            first = false
            text(value, into: &w)
        }
        w.append(t.endList)
    }
}

/// The bytes of a plan's case object that are the same in every case, made
/// once for the run, in runs from one value of the case to the next: a run
/// holds the end of a member, the keys up to the next value the case decides,
/// and the members whose values take one of a few spellings (`action`,
/// `covered`, `kind`, `severity`, an empty list), one run per spelling.
///
/// The case object is an element of `cases` in a plan document, its members
/// at ``memberDepth``; what the runs hold is what the general writer writes
/// there (a test compares the two on every kind of case).
// Sendable: immutable, made once, never freed.
struct CaseTemplate: @unchecked Sendable {
    static let shared = CaseTemplate(memberDepth: PlanRenderer.CaseKeys.caseDepth)

    /// The depth of a case's members.
    let memberDepth: Int
    /// Bytes a case's fixed runs and numbers can take between two values of
    /// unknown length: the room a ``ByteCursor`` keeps ahead.
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
    /// Before the first string of a list, before each next one, after the last.
    let firstElement: ByteRun
    let nextElement: ByteRun
    let endList: ByteRun

    init(memberDepth depth: Int) {
        memberDepth = depth
        let indent = String(repeating: " ", count: 2 * depth)
        let outer = String(repeating: " ", count: 2 * (depth - 1))
        let inner = String(repeating: " ", count: 2 * (depth + 1))
        /// The end of the member before, and key `name`.
        func member(_ name: String) -> String { ",\n\(indent)\"\(name)\": " }
        func quoted(_ spelling: StaticString) -> String { "\"\(spelling)\"" }
        let actions = ["null"] + JobFaultAction.allCases.map { quoted($0.spelling) }
        let severities = ["null"] + Severity.allCases.map { quoted($0.spelling) }

        var runs: [String] = []
        func table(_ texts: [String]) -> UnsafeBufferPointer<ByteRun> {
            runs += texts
            let table = UnsafeMutableBufferPointer<ByteRun>.allocate(capacity: texts.count)
            _ = table.initialize(from: texts.map(ByteRun.init))
            return UnsafeBufferPointer(table)
        }
        func run(_ text: String) -> ByteRun {
            runs.append(text)
            return ByteRun(text)
        }
        /// `key` and, per empty list or not, what follows `[]` up to `next`'s value.
        func list(_ key: String, before: String = "", then next: String, after: String = "") -> [String] {
            [before + member(key), before + member(key) + "[]" + member(next) + after]
        }

        var opens: [String] = []
        for comma in ["", ","] {
            for action in actions {
                for covered in ["false", "true"] {
                    opens.append("\(comma)\n\(outer){\n\(indent)\"action\": \(action)\(member("covered"))\(covered)\(member("id"))")
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
        closes = table([member("unrecoverable"), member("unrecoverable") + "[]\n\(outer)}"])
        closeAfterList = run("\n\(outer)}")
        firstElement = run("[\n\(inner)")
        nextElement = run(",\n\(inner)")
        endList = run("\n\(indent)]")
        // Every run in whole blocks and three numbers: more than any stretch
        // between two values.
        room = runs.reduce(0) { $0 + ($1.utf8.count / ByteRun.block + 1) * ByteRun.block } + 3 * maxDecimalCount
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
