import Foundation
import Testing

@testable import StandbyKit

private func load(_ text: MarkedText) -> (Spec?, Diagnostics) {
    SpecLoader.load(text.bytes)
}

@Suite struct ValidatorTests {
    @Test(arguments: ["patent-fig4", "shared-standby", "cross-machine"])
    func examplesAreClean(name: String) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../examples/\(name).yaml").path
        let bytes = try #require(FileManager.default.contents(atPath: path), "examples/\(name).yaml")
        let (spec, diagnostics) = SpecLoader.load(Array(bytes))
        #expect(spec != nil)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
    }

    @Test func workedExampleIsClean() {
        let (spec, diagnostics) = SpecLoader.load(Array(workedExampleYAML.utf8))
        #expect(spec != nil && diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
    }

    @Test func duplicateNames() throws {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: 1️⃣m
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - name: 2️⃣a
                    role: active
                    memory: 128Mi
                    kernel: 32Mi
                    standby: s
                    jobs:
                      - {name: 3️⃣j, memory: 1Mi, hot_standby: true}
                      - {name: 4️⃣j, memory: 1Mi}
                      - {name: 5️⃣s, memory: 1Mi}
                  - name: 6️⃣a
                    role: active
                    memory: 128Mi
                    kernel: 32Mi
                  - name: 7️⃣s
                    role: standby
                    memory: 64Mi
                    kernel: 32Mi
              - name: 8️⃣m
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi, jobs: [{name: j, memory: 1Mi}]}
            """)
        let (spec, diagnostics) = load(text)
        #expect(spec == nil)
        expectExactly(
            diagnostics, [(.duplicateName, 4), (.duplicateName, 5), (.duplicateName, 6), (.duplicateName, 8)],
            in: text)
        let byLocation = Dictionary(grouping: diagnostics.all, by: \.location)
        #expect(byLocation[text[4]]?.first?.notes.first?.location == text[3])
        #expect(byLocation[text[5]]?.first?.message == "'s' names both an OS and a job on machine 'm'")
        #expect(byLocation[text[5]]?.first?.notes.first?.location == text[7])
        #expect(byLocation[text[6]]?.first?.notes.first?.location == text[2])
        #expect(byLocation[text[8]]?.first?.message == "the machine name 'm' is used twice")
        #expect(byLocation[text[8]]?.first?.notes.first?.location == text[1])
    }

    @Test func reservedNames() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: monitor
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - name: 1️⃣monitor
                    role: active
                    memory: 128Mi
                    kernel: 32Mi
                    jobs: [{name: 2️⃣unallocated, memory: 1Mi}]
            """)
        let (spec, diagnostics) = load(text)
        #expect(spec == nil)
        expectExactly(diagnostics, [(.reservedName, 1), (.reservedName, 2)], in: text)
    }

    @Test func references() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m1
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - name: a
                    role: active
                    memory: 128Mi
                    kernel: 32Mi
                    standby: 1️⃣spar
                    jobs:
                      - {name: j1, memory: 1Mi, hot_standby: true, standby: 2️⃣m3/dr}
                      - {name: j2, memory: 1Mi, hot_standby: true, standby: 3️⃣b}
                      - {name: j3, memory: 1Mi, hot_standby: true, standby: 4️⃣a}
                      - {name: j4, memory: 1Mi, hot_standby: true, standby: 5️⃣m2/j9}
                      - {name: j5, memory: 1Mi, hot_standby: true, standby: m1/spare}
                      - {name: j6, memory: 1Mi, hot_standby: true, standby: m2/dr}
                  - name: b
                    role: active
                    memory: 128Mi
                    kernel: 32Mi
                    standby: 6️⃣b
                  - {name: spare, role: standby, memory: 32Mi, kernel: 32Mi}
              - name: m2
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - {name: x, role: active, memory: 64Mi, kernel: 32Mi, jobs: [{name: j9, memory: 1Mi}]}
                  - {name: dr, role: standby, memory: 64Mi, kernel: 32Mi}
            """)
        let (spec, diagnostics) = load(text)
        #expect(spec == nil)
        expectExactly(
            diagnostics,
            [
                (.unknownReference, 1), (.unknownReference, 2), (.referenceNotStandby, 3), (.selfReference, 4),
                (.unknownReference, 5), (.selfReference, 6),
            ], in: text)
        let sorted = diagnostics.sorted
        #expect(sorted[0].message == "'spar' names no OS on machine 'm1'")
        #expect(sorted[0].notes.map(\.message).contains("did you mean 'spare'?"))
        #expect(sorted[1].message == "'m3/dr' names no machine 'm3'")
        #expect(sorted[1].notes.map(\.message).contains("did you mean 'm1/dr'?") || sorted[1].notes.map(\.message).contains("did you mean 'm2/dr'?"))
        #expect(sorted[2].message == "'b' is an active OS, not a standby")
        #expect(sorted[3].message == "job 'j3' names its own OS 'a' as its standby")
        #expect(sorted[4].notes.first?.message == "'j9' is a job on OS 'x', not an OS")
        #expect(sorted[5].message == "the standby of OS 'b' is the OS itself")
    }

    @Test func hotStandbyJobsNeedAStandbyAndAnActiveOS() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - name: a
                    role: active
                    memory: 128Mi
                    kernel: 32Mi
                    jobs:
                      - {name: j1, memory: 1Mi, hot_standby: 1️⃣true}
                      - {name: j2, memory: 1Mi, hot_standby: true, standby: s}
                      - {name: j3, memory: 1Mi, standby_memory: 2️⃣1Mi, standby: 3️⃣s}
                  - name: s
                    role: standby
                    memory: 64Mi
                    kernel: 32Mi
                    standby: 4️⃣s2
                    jobs:
                      - {name: resident, memory: 1Mi}
                      - {name: j4, memory: 1Mi, hot_standby: 5️⃣true}
                  - {name: 6️⃣s2, role: standby, memory: 32Mi, kernel: 32Mi}
            """)
        let (spec, diagnostics) = load(text)
        #expect(spec == nil)
        expectExactly(
            diagnostics,
            [
                (.hotStandbyWithoutStandby, 1), (.ignoredStandbyMemory, 2), (.ignoredJobStandby, 3),
                (.standbyOnStandbyOS, 4), (.hotStandbyOnStandbyOS, 5), (.unusedStandby, 6),
            ], in: text)
    }

    @Test func residentJobsOnAStandbyAreFine() {
        let (spec, diagnostics) = SpecLoader.load(
            Array(
                """
                version: 1
                machines:
                  - name: m
                    memory: 1Gi
                    monitor: 32Mi
                    oses:
                      - {name: a, role: active, memory: 128Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 1Mi, hot_standby: true}]}
                      - {name: s, role: standby, memory: 64Mi, kernel: 32Mi, jobs: [{name: sync, memory: 1Mi}]}
                """.utf8))
        #expect(spec != nil)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
    }

    @Test func sizesMustFit() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: 1️⃣m1
                memory: 256Mi
                monitor: 32Mi
                oses:
                  - {name: a, role: active, memory: 200Mi, kernel: 2️⃣300Mi}
                  - {name: b, role: active, memory: 64Mi, kernel: 32Mi}
              - name: m2
                memory: 256Mi
                monitor: 3️⃣512Mi
                reserve: 4️⃣1Gi
                oses:
                  - {name: a, role: active, memory: 64Mi, kernel: 32Mi}
              - name: 5️⃣m3
                memory: 7Ei
                monitor: 32Mi
                oses:
                  - {name: a, role: active, memory: 4Ei, kernel: 32Mi}
                  - {name: b, role: active, memory: 4Ei, kernel: 32Mi}
              - name: m4
                memory: 256Mi
                monitor: 32Mi
                reserve: 6️⃣128Mi
                oses:
                  - {name: a, role: active, memory: 128Mi, kernel: 32Mi}
            """)
        let (spec, diagnostics) = load(text)
        #expect(spec == nil)
        expectExactly(
            diagnostics,
            [
                (.machineOvercommitted, 1), (.kernelExceedsMemory, 2), (.monitorExceedsMemory, 3),
                (.reserveExceedsMemory, 4), (.machineOvercommitted, 5), (.reserveExceedsPool, 6),
            ], in: text)
        let overflow = diagnostics.all.first { $0.location == text[5] }
        #expect(overflow?.message == "machine 'm3' has 7 EiB but the monitor and its OSes take more than 8 EiB"
            || overflow?.message.hasSuffix("more than 8 EiB") == true)
        #expect(diagnostics.all.first { $0.location == text[6] }?.severity == .warning)
    }

    @Test func emptyLists() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m
                memory: 1Gi
                monitor: 32Mi
                oses: 1️⃣[]
            """)
        expectExactly(load(text).1, [(.noOSes, 1)], in: text)
        let none = MarkedText("version: 1\nmachines: 1️⃣[]\n")
        expectExactly(load(none).1, [(.noMachines, 1)], in: none)
    }

    @Test func faultPolicies() {
        let text = MarkedText(
            """
            version: 1
            policies: {faults: 1️⃣[os, machine]}
            machines:
              - name: m
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - {name: a, role: active, memory: 128Mi, kernel: 32Mi, standby: s, jobs: [{name: j, memory: 1Mi, hot_standby: true}]}
                  - {name: s, role: standby, memory: 64Mi, kernel: 32Mi}
            """)
        let (spec, diagnostics) = load(text)
        #expect(spec != nil)
        expectExactly(diagnostics, [(.machineFaultsUncoverable, 1)], in: text)

        let empty = MarkedText(text.text.replacingOccurrences(of: "{faults: [os, machine]}", with: "{faults: 1️⃣[]}"))
        expectExactly(load(empty).1, [(.noFaults, 1)], in: empty)
    }

    @Test func crossMachineStandbyCoversMachineFaults() {
        let (spec, diagnostics) = SpecLoader.load(
            Array(
                """
                version: 1
                policies: {faults: [machine]}
                machines:
                  - name: m1
                    memory: 1Gi
                    monitor: 32Mi
                    oses: [{name: a, role: active, memory: 128Mi, kernel: 32Mi, jobs: [{name: j, memory: 1Mi, hot_standby: true, standby: m2/s}]}]
                  - name: m2
                    memory: 1Gi
                    monitor: 32Mi
                    oses: [{name: s, role: standby, memory: 64Mi, kernel: 32Mi}]
                """.utf8))
        #expect(spec != nil)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
    }

    @Test func everyProblemInOneRun() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - name: a
                    role: active
                    memory: 128Mi
                    kernel: 32Mi
                    standby: 1️⃣nope
                    jobs:
                      - {name: 2️⃣a, memory: 1Mi}
                      - {name: j, memory: 1Mi, hot_standby: true}
                  - {name: 3️⃣s, role: standby, memory: 16Mi, kernel: 4️⃣32Mi}
            """)
        let (spec, diagnostics) = load(text)
        #expect(spec == nil)
        expectExactly(
            diagnostics,
            [(.unknownReference, 1), (.duplicateName, 2), (.unusedStandby, 3), (.kernelExceedsMemory, 4)],
            in: text)
        #expect(diagnostics.sorted.map(\.location) == [text[1], text[2], text[3], text[4]])
    }

    @Test func specsBuiltInCodeHaveNoLocationsButStillValidate() {
        let spec = Spec(machines: [
            Machine(
                name: "m", memory: 64 << 20, monitor: 128 << 20,
                oses: [OS(name: "a", role: .active, memory: 1 << 20, kernel: 2 << 20)])
        ])
        let diagnostics = Validator.validate(spec)
        #expect(Set(diagnostics.all.map(\.code)) == [.monitorExceedsMemory, .kernelExceedsMemory])
        #expect(diagnostics.all.allSatisfy { $0.location == .start })
    }

    @Test func validatorMessagesFollowTheStyle() {
        // One sentence, lower-case start, no final period, for every rule's message.
        let text = MarkedText(
            """
            version: 1
            policies: {faults: []}
            machines:
              - name: monitor
                memory: 64Mi
                monitor: 128Mi
                reserve: 1Gi
                oses:
                  - {name: a, role: active, memory: 1Mi, kernel: 2Mi, standby: a, jobs: [{name: a, memory: 1Mi, hot_standby: true, standby_memory: 1Mi}]}
                  - {name: unallocated, role: standby, memory: 1Mi, kernel: 1Mi, standby: x/y}
            """)
        let (_, diagnostics) = load(text)
        #expect(diagnostics.all.count >= 6)
        for d in diagnostics.all {
            #expect(d.message.first?.isUppercase == false, "\(d.message)")
            #expect(d.message.last != ".", "\(d.message)")
            for note in d.notes { #expect(note.message.last != ".", "\(note.message)") }
        }
    }
}
