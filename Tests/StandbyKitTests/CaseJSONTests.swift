import PropertyBased
import Testing

@testable import StandbyKit

/// The plan's cases written from their template (`CaseTemplate`) are the
/// bytes the general object writer writes for them, member by member.
@Suite struct CaseJSONTests {
    /// A writer standing in a `cases` array where a plan document has it.
    private func casesArray() -> JSONWriter {
        var json = JSONWriter()
        json.beginObject()
        json.key("machines")
        json.beginArray()
        json.beginObject()
        json.key("cases")
        json.beginArray()
        return json
    }

    /// Writes `records` as the elements of a `cases` array with `write`.
    private func written<Text, Texts>(
        _ records: [CaseRecord<Text, Texts>], _ write: (CaseRecord<Text, Texts>, inout JSONWriter) -> Void
    ) -> [UInt8] {
        var json = casesArray()
        for record in records { write(record, &json) }
        json.endArray()
        json.endObject()
        return json.buffer
    }

    /// Both writers, on every case of `compiled` under every fault kind:
    /// the plan's records (names as `String`s) and the records the streamed
    /// export writes as each case is simulated (names as bytes).
    private func checkBothWriters(_ compiled: CompiledSpec) {
        let keys = PlanRenderer.CaseKeys.shared
        let template = CaseTemplate.shared
        let plan = Planner.plan(compiled, faults: FaultKind.allCases)
        let records = plan.cases.map(\.record)
        let fromTemplate = written(records) { PlanRenderer.writeCaseJSON($0, template: template, keys: keys, into: &$1) }
        let byMembers = written(records) { PlanRenderer.writeCaseMembersJSON($0, keys: keys, into: &$1) }
        #expect(fromTemplate == byMembers)

        let figures = Planner.figures(compiled, faults: FaultKind.allCases)
        let (simulator, namer) = figures.exporters(1)[0]
        for m in 0..<figures.machineCount {
            var streamedTemplate = casesArray()
            var streamedMembers = casesArray()
            figures.exportMachine(m, simulator: simulator, namer: namer).forEachCase { c in
                PlanRenderer.writeCaseJSON(c, template: template, keys: keys, into: &streamedTemplate)
                PlanRenderer.writeCaseMembersJSON(c, keys: keys, into: &streamedMembers)
            }
            streamedTemplate.endArray()
            streamedMembers.endArray()
            #expect(streamedTemplate.buffer == streamedMembers.buffer)
        }
    }

    @Test func templateWritesWhatTheMemberWriterWrites() async {
        await propertyCheck(count: 200, input: RandomSpec.generator()) { spec in
            checkBothWriters(RandomSpec.compile(spec))
        }
    }

    /// Names that need escaping, in every place a case holds one, and the
    /// shortages and unrecoverable jobs a short, N:1 spec has.
    @Test func namesThatNeedEscapingAndEveryListAreWrittenAlike() throws {
        let mi = 1 << 20
        let spec = Spec(
            policies: Policies(faults: FaultKind.allCases),
            machines: [
                Machine(
                    name: "m\"1", memory: 240 * mi, monitor: 64 * mi,
                    oses: [
                        OS(
                            name: "a\\b", role: .active, memory: 128 * mi, kernel: 16 * mi,
                            standby: OSReference(os: "s\t1"),
                            jobs: [
                                Job(name: "j\u{1}1", memory: 32 * mi, hotStandby: true, standbyMemory: 96 * mi),
                                Job(name: "j,2", memory: 16 * mi),
                                Job(name: "grüße", memory: 16 * mi, hotStandby: true, policy: JobFaultPolicy(light: .stop)),
                                Job(name: "orphan", memory: 8 * mi, hotStandby: true, standby: OSReference(os: "nowhere")),
                            ]),
                        OS(name: "s\t1", role: .standby, memory: 32 * mi, kernel: 16 * mi),
                    ])
            ])
        let compiled = try #require(Compiler.compile(spec).0)
        let cases = Planner.plan(compiled, faults: FaultKind.allCases).cases
        #expect(cases.contains { $0.shortages.contains { !$0.standbys.isEmpty } })
        let reasons = Set(cases.flatMap(\.unrecoverable).map { "\($0.reason)".prefix(7) })
        #expect(reasons == ["standby", "stopped", "noStand"])
        checkBothWriters(compiled)
    }
}
