import Foundation
import PropertyBased
import Testing

@testable import StandbyKit

/// A stream that takes bytes as they are, as the command line's does: the
/// renderers then write JSON and CSV in pieces rather than case by case.
private struct ByteStream: UTF8OutputStream {
    var bytes: [UInt8] = []
    mutating func write(_ string: String) { bytes += Array(string.utf8) }
    mutating func write(utf8 bytes: UnsafeRawBufferPointer) { self.bytes += Array(bytes) }
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

private let streamedFormats: [OutputFormat] = [.text, .markdown, .json, .csv]

/// Every report a plan streamed machine by machine gives, as text, to a
/// `String` and to a byte stream (which must agree).
private func streamed(_ compiled: CompiledSpec, faults: [FaultKind]?, _ format: OutputFormat) -> String {
    let figures = Planner.figures(compiled, faults: faults)
    var text = ""
    PlanRenderer.render(figures, compiled: compiled, format: format, unit: .auto, to: &text)
    var bytes = ByteStream()
    PlanRenderer.render(figures, compiled: compiled, format: format, unit: .auto, to: &bytes)
    #expect(bytes.text == text, "\(format): a byte stream and a string differ")
    return text
}

private func rendered(_ plan: Plan, _ compiled: CompiledSpec, _ format: OutputFormat) -> String {
    var text = ""
    PlanRenderer.render(plan, compiled: compiled, format: format, unit: .auto, to: &text)
    return text
}

/// The streamed reports (each case written as it is simulated) and the
/// reports of a whole `Plan` (each case a `FaultCase`) are one and the same.
@Suite struct StreamingPlanTests {
    @Test func streamedReportsAreThoseOfTheWholePlan() async {
        await propertyCheck(count: 150, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            for faults in [nil, FaultKind.allCases] as [[FaultKind]?] {
                let plan = Planner.plan(compiled, faults: faults)
                for format in streamedFormats {
                    #expect(streamed(compiled, faults: faults, format) == rendered(plan, compiled, format), "\(format)")
                }
            }
        }
    }

    /// The streamed JSON and CSV write machines on every core at once
    /// (`writeMachinesJSONInParallel`, `renderCSVInParallel`); with more
    /// machines than they run ahead, an odd number of them and the first
    /// apart, they are still the whole plan's.
    @Test func reportsWrittenOnEveryCoreAreThoseOfTheWholePlan() throws {
        let compiled = try #require(PlanRendererScaleTests.fleet(machines: 37, actives: 3, jobs: 7))
        let plan = Planner.plan(compiled)
        let whole = rendered(plan, compiled, .json)
        #expect(streamed(compiled, faults: nil, .json) == whole)
        #expect(whole.components(separatedBy: "\"name\": \"m36\"").count == 2)
        let csv = rendered(plan, compiled, .csv)
        #expect(streamed(compiled, faults: nil, .csv) == csv)
        #expect(csv.components(separatedBy: "\r\n").count == plan.cases.count + 2)
    }

    @Test func machinesPlannedOneByOneAreThoseOfThePlan() async {
        await propertyCheck(count: 150, input: RandomSpec.generator()) { spec in
            let compiled = RandomSpec.compile(spec)
            let plan = Planner.plan(compiled, faults: FaultKind.allCases)
            let figures = Planner.figures(compiled, faults: FaultKind.allCases)
            var machines: [MachinePlan] = []
            Planner.forEachMachine(figures) { machines.append($0) }
            #expect(machines == plan.machines)
            #expect(figures.totals == plan.totals)
            #expect(figures.caseCount == plan.cases.count)
            #expect(figures.uncoveredCaseCount == plan.cases.filter { !$0.covered }.count)
        }
    }

    /// Names the validator would refuse, in a spec built in code: whatever a
    /// name holds, JSON and CSV escape and quote it the same on both paths, and
    /// a JSON reader gets the names back.
    @Test func namesThatNeedEscapingAreEscapedOnBothPaths() throws {
        let mi = 1 << 20
        let odd = ["a\"b", "back\\slash", "comma,here", "tab\there", "new\nline", "grüße-über-alles", "long-name-with-\"-late"]
        var oses: [OS] = []
        for (i, name) in odd.enumerated() {
            oses.append(
                OS(
                    name: "\(name)-os\(i)", role: .active, memory: 64 * mi, kernel: 16 * mi,
                    standby: OSReference(os: "spare \"s\""),
                    jobs: [
                        Job(name: "\(name)-hot", memory: 16 * mi, hotStandby: true, standbyMemory: 32 * mi),
                        Job(name: "\(name)-cold", memory: 8 * mi),
                    ]))
        }
        oses.append(OS(name: "spare \"s\"", role: .standby, memory: 32 * mi, kernel: 16 * mi))
        let spec = Spec(
            policies: Policies(faults: FaultKind.allCases, pool: false),
            machines: [
                Machine(name: "m,\"1\"", memory: 2048 * mi, monitor: 64 * mi, oses: oses),
                Machine(
                    name: "m2", memory: 512 * mi, monitor: 64 * mi,
                    oses: [
                        OS(
                            name: "a", role: .active, memory: 64 * mi, kernel: 16 * mi,
                            standby: OSReference(machine: "m,\"1\"", os: "spare \"s\""),
                            jobs: [Job(name: "x\u{1}y", memory: 16 * mi, hotStandby: true)])
                    ]),
            ])
        let compiled = try #require(Compiler.compile(spec).0)
        let plan = Planner.plan(compiled)
        for format in streamedFormats {
            #expect(streamed(compiled, faults: nil, format) == rendered(plan, compiled, format), "\(format)")
        }
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(streamed(compiled, faults: nil, .json).utf8)) as? [String: Any])
        let machines = try #require(json["machines"] as? [[String: Any]])
        let cases = machines.flatMap { ($0["cases"] as? [[String: Any]]) ?? [] }
        #expect(cases.map { $0["id"] as? String } == plan.cases.map(\.id))
        #expect(cases.map { $0["lost_jobs"] as? [String] } == plan.cases.map(\.lostJobs))
        #expect(cases.map { $0["unprotected_jobs"] as? [String] } == plan.cases.map(\.unprotectedJobs))
        let records = try #require(RenderFixtures.parseCSV(streamed(compiled, faults: nil, .csv)))
        #expect(records.dropFirst().map { $0[1] } == plan.cases.map(\.id))
        #expect(records.dropFirst().map { $0[8] } == plan.cases.map { $0.lostJobs.joined(separator: ";") })
    }

    @Test func spellingsAreTheRawValues() {
        for kind in FaultKind.allCases { #expect(NameBytes(spelling: kind.spelling).string == kind.rawValue) }
        for severity in Severity.allCases { #expect(NameBytes(spelling: severity.spelling).string == severity.rawValue) }
        for action in JobFaultAction.allCases { #expect(NameBytes(spelling: action.spelling).string == action.rawValue) }
    }
}
