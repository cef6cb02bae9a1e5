import Foundation
import PropertyBased
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

/// A fleet large enough for the validator to check on every core, with
/// problems spread over machines that different threads check.
@Suite struct ParallelValidationTests {
    /// 60 machines of two actives with 40 jobs each (4,800 jobs). Every fifth
    /// machine sends its second active's jobs to `m0/sb1`, so `m0`'s `sb1` is
    /// used only from other machines and their own `sb1` by none; others have
    /// a repeated job name, a reserved name, an unknown or active standby, a
    /// kernel above its memory, or a machine name used twice.
    static func fleetYAML() -> String {
        var yaml = "version: 1\nmachines:\n"
        for m in 0..<60 {
            let name = m == 10 || m == 50 ? "dup" : "m\(m)"
            yaml += "  - name: \(name)\n    memory: 64Gi\n    monitor: 1Gi\n    oses:\n"
            for a in 0..<2 {
                var standby = a == 0 ? "sb0" : "sb1"
                if a == 1 && m % 5 == 1 { standby = "m0/sb1" }
                if a == 0 && m % 13 == 2 { standby = "nosuch" }
                if a == 0 && m % 9 == 4 { standby = "a1" }
                let kernel = a == 1 && m % 17 == 8 ? "9Gi" : "1Gi"
                yaml += "      - name: a\(a)\n        role: active\n        memory: 8Gi\n        kernel: \(kernel)\n"
                yaml += "        standby: \(standby)\n        jobs:\n"
                for j in 0..<40 {
                    var job = "j\(a)-\(j)"
                    if m % 7 == 3 && a == 1 && j == 39 { job = "j1-0" }
                    if m % 11 == 5 && a == 0 && j == 7 { job = "monitor" }
                    yaml += "          - {name: \(job), memory: 64Mi, hot_standby: \(j % 2 == 0)}\n"
                }
            }
            for s in 0..<2 {
                yaml += "      - {name: sb\(s), role: standby, memory: 4Gi, kernel: 1Gi}\n"
            }
        }
        return yaml
    }

    @Test func everyCoreFindsWhatOneThreadFinds() throws {
        let (decoded, _) = SpecDecoder.decode(Array(Self.fleetYAML().utf8))
        let spec = try #require(decoded)
        #expect(parallelThreads(for: spec) == parallelThreads())
        let one = Validator.validate(spec, threads: 1)
        for threads in [2, 3, 8] {
            #expect(Validator.validate(spec, threads: threads) == one, "\(threads) threads")
        }
        let codes = Set(one.all.map(\.code))
        for code: DiagnosticCode in [
            .duplicateName, .reservedName, .unknownReference, .referenceNotStandby, .kernelExceedsMemory,
            .unusedStandby,
        ] {
            #expect(codes.contains(code), "\(code)")
        }
        // m0's sb1 is used from other machines only; the sb1 of every other
        // fifth machine by none, nor the sb0 of a machine whose first active
        // names no standby.
        let unused = one.all.filter { $0.code == .unusedStandby }
        #expect(unused.count == (0..<60).count { $0 % 5 == 1 } + (0..<60).count { $0 % 13 == 2 || $0 % 9 == 4 })
        #expect(one.all.contains { $0.message == "a job may not be named 'monitor'" })
        #expect(one.all.contains { $0.code == .duplicateName && $0.message.contains("'dup'") })
    }

    /// The fleet without its problems compiles to the same tables on every
    /// core; a machine whose OSes outgrow its memory is reported in its place.
    @Test(arguments: [false, true])
    func everyCoreCompilesWhatOneThreadCompiles(overcommitted: Bool) throws {
        let yaml = ParallelTests.fleetYAML(overcommitted: overcommitted)
        let (decoded, _) = SpecDecoder.decode(Array(yaml.utf8))
        let spec = try #require(decoded)
        let (one, oneDiagnostics) = Compiler.compile(spec, threads: 1)
        #expect((one == nil) == overcommitted)
        for threads in [2, 3, 8] {
            let (compiled, diagnostics) = Compiler.compile(spec, threads: threads)
            #expect(compiled == one, "\(threads) threads")
            #expect(diagnostics == oneDiagnostics, "\(threads) threads")
        }
        if overcommitted {
            #expect(oneDiagnostics.all.count == (0..<60).count { $0 % 23 == 7 })
        } else {
            #expect(one?.machines.map(\.name) == (0..<60).map { "m\($0)" })
        }
    }
}

/// Notes under unknown references come from an index, not a scan per reference.
@Suite struct ReferenceHintTests {
    /// The index finds what comparing the word with every name finds, over
    /// names from a small alphabet, where near misses abound.
    @Test func theIndexAgreesWithTheScan() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...4095).array(of: 1...60)) { draws in
            let letters = Array("abAB-1")
            func word(_ n: Int) -> String {
                String((0..<(1 + n % 6)).map { letters[(n >> (2 * $0 + 3)) % letters.count] })
            }
            let names = draws.dropLast().map(word)
            let index = Names.SuggestionIndex(names)
            for probe in names.prefix(5) + [word(draws[draws.count - 1]), "x", ""] {
                #expect(index.suggestion(for: probe) == Names.suggestion(for: probe, among: names), "\(probe) in \(names)")
            }
        }
    }

    /// 10,000 machine names and 10,000 misspellings of them: a scan would
    /// compare 10^8 pairs; the index visits a few dozen entries per word.
    @Test func lookUpsDoNotGrowWithTheNames() {
        let names = (0..<10_000).map { "host-\($0)" }
        let index = Names.SuggestionIndex(names)
        var work = 0
        for m in 0..<10_000 {
            let (name, w) = index.lookup("h0st-\(m)")
            #expect(name == "host-\(m)")
            work += w
        }
        #expect(work < 10_000 * 100)
        var far = 0
        for m in 0..<1_000 { far += index.lookup("zz-\(m)-zz").work }
        #expect(far < 1_000 * 300)
    }

    /// The same fleet with good references, or with 10,000 unknown ones
    /// (half to no machine, half to no OS). What a suggestion costs is
    /// counted in work above (a scan of the names per reference made it 10^8
    /// comparisons), not timed: here, each unknown reference is reported once,
    /// with its suggestion, on one thread as on three.
    static func fleet(misspelled: Bool) -> String {
        var yaml = "version: 1\nmachines:\n"
        for m in 0..<10_000 {
            let osStandby = misspelled ? (m % 2 == 0 ? "j" : "sbb") : "sb"
            let jobStandby = misspelled ? "h0st-\(m)/sb" : "host-\(m)/sb"
            yaml += "- {name: host-\(m), memory: 1Gi, monitor: 64Mi, oses: [{name: a, role: active, "
                + "memory: 256Mi, kernel: 32Mi, standby: \(osStandby), jobs: [{name: j, memory: 64Mi, "
                + "hot_standby: true, standby: \(jobStandby)}]}, {name: sb, role: standby, memory: 256Mi, kernel: 32Mi}]}\n"
        }
        return yaml
    }

    @Test func tenThousandUnknownReferencesAreEachReported() throws {
        let good = try #require(SpecDecoder.decode(Array(Self.fleet(misspelled: false).utf8)).0)
        let spec = try #require(SpecDecoder.decode(Array(Self.fleet(misspelled: true).utf8)).0)
        #expect(!Validator.validate(good, threads: 1).hasErrors)
        let diagnostics = Validator.validate(spec, threads: 1)
        let unknown = diagnostics.all.filter { $0.code == .unknownReference }
        #expect(unknown.count == 20_000)
        #expect(unknown.contains { $0.message == "'h0st-77/sb' names no machine 'h0st-77'" && $0.notes.first?.message == "did you mean 'host-77/sb'?" })
        #expect(unknown.contains { $0.notes.first?.message == "'j' is a job on OS 'a', not an OS" })
        #expect(unknown.contains { $0.message.hasPrefix("'sbb' ") && $0.notes.first?.message == "did you mean 'sb'?" })
        #expect(Validator.validate(spec, threads: 3) == diagnostics)
    }
}
