import Foundation
import Testing

@testable import StandbyKit

// MARK: - Helpers

/// Helpers shared by the spec tests (decoder, validator, fixture corpus).
enum SpecTesting {
    static let mi = 1 << 20
    static let gi = 1 << 30
}

/// `spec` with every position cleared, to compare specs written differently.
func specWithoutLocations(_ spec: Spec) -> Spec {
    var spec = spec
    spec.machinesLocation = nil
    spec.faultsLocation = nil
    for m in spec.machines.indices {
        spec.machines[m].location = .start
        spec.machines[m].memoryLocation = nil
        spec.machines[m].monitorLocation = nil
        spec.machines[m].reserveLocation = nil
        spec.machines[m].osesLocation = nil
        for o in spec.machines[m].oses.indices {
            spec.machines[m].oses[o].location = .start
            spec.machines[m].oses[o].memoryLocation = nil
            spec.machines[m].oses[o].kernelLocation = nil
            spec.machines[m].oses[o].standby?.location = .start
            for j in spec.machines[m].oses[o].jobs.indices {
                spec.machines[m].oses[o].jobs[j].location = .start
                spec.machines[m].oses[o].jobs[j].memoryLocation = nil
                spec.machines[m].oses[o].jobs[j].hotStandbyLocation = nil
                spec.machines[m].oses[o].jobs[j].standbyMemoryLocation = nil
                spec.machines[m].oses[o].jobs[j].standby?.location = .start
            }
        }
    }
    return spec
}

/// One line per diagnostic, for failure messages.
func describeDiagnostics(_ diagnostics: Diagnostics) -> String {
    diagnostics.sorted.map {
        "\($0.location.line):\($0.location.column) \($0.severity) [\($0.code)] \($0.message)"
            + $0.notes.map { " / \($0.message)" }.joined()
    }.joined(separator: "\n")
}

/// Checks that `diagnostics` are exactly `expected` (code at marker), in any order.
func expectExactly(
    _ diagnostics: Diagnostics, _ expected: [(DiagnosticCode, Int)], in text: MarkedText,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let got = diagnostics.all.map { "\($0.code)@\($0.location.line):\($0.location.column)" }.sorted()
    let want = expected.map { "\($0.0)@\(text[$0.1].line):\(text[$0.1].column)" }.sorted()
    #expect(got == want, "\n\(describeDiagnostics(diagnostics))", sourceLocation: sourceLocation)
}

/// The first diagnostic with `code`.
func firstDiagnostic(_ code: DiagnosticCode, in diagnostics: Diagnostics) -> Diagnostic? {
    diagnostics.all.first { $0.code == code }
}

func decodeText(_ text: String, limits: YAMLLimits = .default) -> (Spec?, Diagnostics) {
    SpecDecoder.decode(Array(text.utf8), limits: limits)
}

private let mi = SpecTesting.mi
private let gi = SpecTesting.gi

/// The worked example of docs/model.md, written plainly.
let workedExampleYAML = """
    version: 1
    policies:
      faults: [os, job, standby, memory]
      job_fault: {light: restart, severe: failover}
      os_fault: {os_area: keep}
      memory_fault: {lost: 100%}
      pool: true
    machines:
      - name: vms50
        memory: 256Mi
        monitor: 32Mi
        oses:
          - name: active
            role: active
            memory: 160Mi
            kernel: 32Mi
            standby: standby
            jobs:
              - name: A
                memory: 128Mi
                hot_standby: true
                standby_memory: 128Mi
              - name: B
                memory: 32Mi
          - name: standby
            role: standby
            memory: 32Mi
            kernel: 32Mi

    """

/// The spec the worked example decodes to, every size in bytes.
let workedExampleSpec = Spec(
    version: 1, policies: Policies(),
    machines: [
        Machine(
            name: "vms50", memory: 256 * mi, monitor: 32 * mi, granule: mi, reserve: 0,
            oses: [
                OS(
                    name: "active", role: .active, memory: 160 * mi, kernel: 32 * mi,
                    standby: OSReference(os: "standby"),
                    jobs: [
                        Job(name: "A", memory: 128 * mi, hotStandby: true, standbyMemory: 128 * mi),
                        Job(name: "B", memory: 32 * mi),
                    ]),
                OS(name: "standby", role: .standby, memory: 32 * mi, kernel: 32 * mi),
            ])
    ])

/// A spec that sets every key, with non-default policies, per-job overrides, a
/// granule, a reserve, and a reference to another machine.
let richSpecYAML = """
    version: 1
    policies:
      faults: [machine, os, job]
      job_fault: {light: stop, severe: failover}
      os_fault: {os_area: release}
      memory_fault: {lost: 12.5%}
      pool: false
    machines:
      - name: m1
        memory: 1Gi
        monitor: 64Mi
        granule: 4Mi
        reserve: 128Mi
        oses:
          - name: web
            role: active
            memory: 256Mi
            kernel: 32Mi
            standby: spare
            jobs:
              - name: front
                memory: 64Mi
                hot_standby: true
                standby_memory: 32Mi
                policy: {light: restart}
              - name: back
                memory: 64Mi
                hot_standby: true
                standby_memory: 32Mi
                standby: m2/dr
          - name: spare
            role: standby
            memory: 64Mi
            kernel: 32Mi
      - name: m2
        memory: 512Mi
        monitor: 32Mi
        oses:
          - name: db
            role: active
            memory: 256Mi
            kernel: 32Mi
            standby: dr
            jobs:
              - name: primary
                memory: 128Mi
                hot_standby: true
                policy: {severe: stop, light: failover}
          - name: dr
            role: standby
            memory: 64Mi
            kernel: 32Mi

    """

let richSpecExpected = Spec(
    version: 1,
    policies: Policies(
        faults: [.os, .job, .machine], jobFault: JobFaultPolicy(light: .stop, severe: .failover),
        osArea: .release, memoryLost: Percentage(numerator: 1, denominator: 8), pool: false),
    machines: [
        Machine(
            name: "m1", memory: gi, monitor: 64 * mi, granule: 4 * mi, reserve: 128 * mi,
            oses: [
                OS(
                    name: "web", role: .active, memory: 256 * mi, kernel: 32 * mi,
                    standby: OSReference(os: "spare"),
                    jobs: [
                        Job(
                            name: "front", memory: 64 * mi, hotStandby: true, standbyMemory: 32 * mi,
                            policy: JobFaultPolicy(light: .restart, severe: .failover)),
                        Job(
                            name: "back", memory: 64 * mi, hotStandby: true, standbyMemory: 32 * mi,
                            standby: OSReference(machine: "m2", os: "dr"),
                            policy: JobFaultPolicy(light: .stop, severe: .failover)),
                    ]),
                OS(name: "spare", role: .standby, memory: 64 * mi, kernel: 32 * mi),
            ]),
        Machine(
            name: "m2", memory: 512 * mi, monitor: 32 * mi,
            oses: [
                OS(
                    name: "db", role: .active, memory: 256 * mi, kernel: 32 * mi,
                    standby: OSReference(os: "dr"),
                    jobs: [
                        Job(
                            name: "primary", memory: 128 * mi, hotStandby: true,
                            policy: JobFaultPolicy(light: .failover, severe: .stop))
                    ]),
                OS(name: "dr", role: .standby, memory: 64 * mi, kernel: 32 * mi),
            ]),
    ])

// MARK: - Golden specs

@Suite struct SpecDecoderGoldenTests {
    @Test func workedExampleInline() throws {
        let (spec, diagnostics) = decodeText(workedExampleYAML)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
        let decoded = try #require(spec)
        #expect(specWithoutLocations(decoded) == workedExampleSpec)
    }

    @Test func workedExampleFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../examples/patent-fig4.yaml")
        let bytes = try #require(FileManager.default.contents(atPath: url.path), "examples/patent-fig4.yaml")
        let (spec, diagnostics) = SpecLoader.load(Array(bytes))
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
        let decoded = try #require(spec)
        #expect(specWithoutLocations(decoded) == workedExampleSpec)
        // Entities are located at their names; a reference at its text.
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func line(of needle: String) -> Int {
            (lines.firstIndex { $0.contains(needle) } ?? -1) + 1
        }
        let machine = decoded.machines[0]
        #expect(machine.location.line == line(of: "- name: vms50"))
        #expect(machine.oses[0].location.line == line(of: "- name: active"))
        #expect(machine.oses[0].jobs[1].location.line == line(of: "- name: B"))
        #expect(machine.oses[0].standby?.location.line == line(of: "standby: standby"))
    }

    @Test func workedExampleLocations() throws {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: 1️⃣vms50
                memory: 2️⃣256Mi
                monitor: 3️⃣32Mi
                oses:
                  - name: 5️⃣active
                    role: active
                    memory: 6️⃣160Mi
                    kernel: 7️⃣32Mi
                    standby: 8️⃣standby
                    jobs:
                      - name: 9️⃣A
                        memory: 🔟128Mi
                        hot_standby: true
                  - name: standby
                    role: standby
                    memory: 32Mi
                    kernel: 32Mi
            """)
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
        let machine = try #require(spec?.machines.first)
        #expect(machine.location == text[1])
        #expect(machine.memoryLocation == text[2])
        #expect(machine.monitorLocation == text[3])
        #expect(machine.osesLocation != nil)
        #expect(machine.oses[0].location == text[5])
        #expect(machine.oses[0].memoryLocation == text[6])
        #expect(machine.oses[0].kernelLocation == text[7])
        #expect(machine.oses[0].standby?.location == text[8])
        #expect(machine.oses[0].jobs[0].location == text[9])
        #expect(machine.oses[0].jobs[0].memoryLocation == text[10])
    }

    @Test func richSpecDecodesEveryKey() throws {
        let (spec, diagnostics) = decodeText(richSpecYAML)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
        let decoded = try #require(spec)
        #expect(specWithoutLocations(decoded) == richSpecExpected)
    }

    @Test func policiesAfterMachinesStillApplyToEveryJob() throws {
        let text = """
            version: 1
            machines:
              - name: m
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - name: a
                    role: active
                    memory: 256Mi
                    kernel: 32Mi
                    jobs:
                      - {name: j1, memory: 1Mi}
                      - {name: j2, memory: 1Mi, policy: {severe: restart}}
                      - {name: j3, memory: 1Mi}
            policies:
              job_fault: {light: stop, severe: failover}
            """
        let (spec, diagnostics) = decodeText(text)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
        let jobs = try #require(spec?.machines.first?.oses.first?.jobs)
        #expect(jobs.map(\.policy) == [
            JobFaultPolicy(light: .stop, severe: .failover),
            JobFaultPolicy(light: .stop, severe: .restart),
            JobFaultPolicy(light: .stop, severe: .failover),
        ])
    }

    @Test func defaultsWhenOptionalKeysAreAbsent() throws {
        let (spec, diagnostics) = decodeText(
            """
            version: 1
            machines:
              - name: m
                memory: 64Mi
                monitor: 8Mi
                oses:
                  - {name: a, role: active, memory: 16Mi, kernel: 8Mi, jobs: [{name: j, memory: 2Mi}]}
            """)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
        let decoded = try #require(spec)
        #expect(decoded.policies == Policies())
        let machine = decoded.machines[0]
        #expect(machine.granule == mi && machine.reserve == 0)
        let job = machine.oses[0].jobs[0]
        #expect(!job.hotStandby && job.standbyMemory == 2 * mi && job.standby == nil)
        #expect(job.policy == JobFaultPolicy())
        #expect(machine.oses[0].standby == nil)
    }
}

// MARK: - The same spec, written differently

@Suite struct SpecDecoderEquivalenceTests {
    func expectSame(_ text: String, as plain: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        expectSame(Array(text.utf8), as: plain, sourceLocation: sourceLocation)
    }

    func expectSame(_ bytes: [UInt8], as plain: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let (spec, diagnostics) = SpecDecoder.decode(bytes)
        let (expected, _) = decodeText(plain)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))", sourceLocation: sourceLocation)
        #expect(spec != nil, sourceLocation: sourceLocation)
        #expect(
            spec.map(specWithoutLocations) == expected.map(specWithoutLocations), sourceLocation: sourceLocation)
    }

    @Test func anchorsAndAliases() {
        expectSame(
            """
            version: 1
            policies:
              faults: [machine, os, job]
              job_fault: {light: stop, severe: failover}
              os_fault: {os_area: release}
              memory_fault: {lost: 12.5%}
              pool: false
            machines:
              - name: m1
                memory: 1Gi
                monitor: &mon 64Mi
                granule: 4Mi
                reserve: 128Mi
                oses:
                  - name: web
                    role: &active active
                    memory: &big 256Mi
                    kernel: &kernel 32Mi
                    standby: spare
                    jobs:
                      - name: front
                        memory: *mon
                        hot_standby: &yes true
                        standby_memory: &half 32Mi
                        policy: {light: restart}
                      - name: back
                        memory: *mon
                        hot_standby: *yes
                        standby_memory: *half
                        standby: m2/dr
                  - &standby64
                    name: spare
                    role: standby
                    memory: *mon
                    kernel: *kernel
              - name: m2
                memory: 512Mi
                monitor: *kernel
                oses:
                  - name: db
                    role: *active
                    memory: *big
                    kernel: *kernel
                    standby: dr
                    jobs:
                      - name: primary
                        memory: 128Mi
                        hot_standby: *yes
                        policy: {severe: stop, light: failover}
                  - <<: *standby64
                    name: dr
            """, as: richSpecYAML)
    }

    @Test func mergeKeys() {
        expectSame(
            """
            version: 1
            policies:
              faults: [machine, os, job]
              job_fault: &jf {light: stop, severe: failover}
              os_fault: {os_area: release}
              memory_fault: {lost: 12.5%}
              pool: false
            machines:
              - name: m1
                memory: 1Gi
                monitor: 64Mi
                granule: 4Mi
                reserve: 128Mi
                oses:
                  - &webos
                    name: web
                    role: active
                    memory: 256Mi
                    kernel: 32Mi
                    standby: spare
                    jobs:
                      - &hot
                        name: front
                        memory: 64Mi
                        hot_standby: true
                        standby_memory: 32Mi
                        policy: {light: restart}
                      - <<: *hot
                        name: back
                        standby: m2/dr
                        policy: *jf
                  - name: spare
                    role: standby
                    memory: 64Mi
                    kernel: 32Mi
              - name: m2
                memory: 512Mi
                monitor: 32Mi
                oses:
                  - <<: [*webos]
                    name: db
                    standby: dr
                    jobs:
                      - name: primary
                        memory: 128Mi
                        hot_standby: true
                        policy: {severe: stop, light: failover}
                  - {<<: {role: standby, memory: 64Mi}, name: dr, kernel: 32Mi}
            """, as: richSpecYAML)
    }

    @Test func flowStyle() {
        expectSame(
            """
            {version: 1, policies: {faults: [machine, os, job], job_fault: {light: stop, severe: failover},
              os_fault: {os_area: release}, memory_fault: {lost: 12.5%}, pool: false},
             machines: [
              {name: m1, memory: 1Gi, monitor: 64Mi, granule: 4Mi, reserve: 128Mi, oses: [
                {name: web, role: active, memory: 256Mi, kernel: 32Mi, standby: spare, jobs: [
                  {name: front, memory: 64Mi, hot_standby: true, standby_memory: 32Mi, policy: {light: restart}},
                  {name: back, memory: 64Mi, hot_standby: true, standby_memory: 32Mi, standby: m2/dr}]},
                {name: spare, role: standby, memory: 64Mi, kernel: 32Mi}]},
              {name: m2, memory: 512Mi, monitor: 32Mi, oses: [
                {name: db, role: active, memory: 256Mi, kernel: 32Mi, standby: dr, jobs: [
                  {name: primary, memory: 128Mi, hot_standby: true, policy: {severe: stop, light: failover}}]},
                {name: dr, role: standby, memory: 64Mi, kernel: 32Mi}]}]}
            """, as: richSpecYAML)
    }

    @Test func quotedScalarsAndCoreTags() {
        expectSame(
            """
            "version": 1
            'policies':
              faults: ["machine", 'os', !!str job]
              job_fault: {light: "stop", severe: 'failover'}
              os_fault: {os_area: "release"}
              memory_fault: {lost: "12.5%"}
              pool: !!bool false
            machines: !!seq
              - name: "m1"
                memory: "1Gi"
                monitor: '64Mi'
                granule: !!str 4Mi
                reserve: !!int 134217728
                oses:
                  - name: 'web'
                    role: "active"
                    memory: "256Mi"
                    kernel: "32Mi"
                    standby: "spare"
                    jobs:
                      - name: "front"
                        memory: "64Mi"
                        hot_standby: true
                        standby_memory: "32Mi"
                        policy: {light: "restart"}
                      - name: "back"
                        memory: "64Mi"
                        hot_standby: true
                        standby_memory: "32Mi"
                        standby: "m2/dr"
                  - name: "spare"
                    role: "standby"
                    memory: "64Mi"
                    kernel: "32Mi"
              - !!map
                name: "m2"
                memory: "512Mi"
                monitor: "32Mi"
                oses:
                  - name: "db"
                    role: "active"
                    memory: "256Mi"
                    kernel: "32Mi"
                    standby: "dr"
                    jobs:
                      - name: "primary"
                        memory: "128Mi"
                        hot_standby: true
                        policy: {severe: "stop", light: "failover"}
                  - name: "dr"
                    role: "standby"
                    memory: "64Mi"
                    kernel: "32Mi"
            """, as: richSpecYAML)
    }

    @Test func crlfLineEnds() {
        expectSame(richSpecYAML.replacingOccurrences(of: "\n", with: "\r\n"), as: richSpecYAML)
    }

    @Test func byteOrderMark() {
        expectSame([0xEF, 0xBB, 0xBF] + Array(richSpecYAML.utf8), as: richSpecYAML)
    }

    @Test func keysInAnyOrder() {
        expectSame(
            """
            machines:
              - oses:
                  - jobs:
                      - {policy: {light: restart}, standby_memory: 32Mi, hot_standby: true, memory: 64Mi, name: front}
                      - {standby: m2/dr, standby_memory: 32Mi, hot_standby: true, memory: 64Mi, name: back}
                    standby: spare
                    kernel: 32Mi
                    memory: 256Mi
                    role: active
                    name: web
                  - {kernel: 32Mi, memory: 64Mi, role: standby, name: spare}
                reserve: 128Mi
                granule: 4Mi
                monitor: 64Mi
                memory: 1Gi
                name: m1
              - oses:
                  - jobs: [{policy: {light: failover, severe: stop}, hot_standby: true, memory: 128Mi, name: primary}]
                    standby: dr
                    kernel: 32Mi
                    memory: 256Mi
                    role: active
                    name: db
                  - {kernel: 32Mi, memory: 64Mi, role: standby, name: dr}
                monitor: 32Mi
                memory: 512Mi
                name: m2
            policies:
              pool: false
              memory_fault: {lost: 12.5%}
              os_fault: {os_area: release}
              job_fault: {severe: failover, light: stop}
              faults: [job, os, machine]
            version: 1
            """, as: richSpecYAML)
    }
}

// MARK: - Keys and types

@Suite struct SpecDecoderStructureTests {
    @Test func unknownKeyWithDidYouMean() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m
                memory: 256Mi
                monitor: 32Mi
                1️⃣memroy: 1
                oses: [{name: a, role: active, memory: 1Mi, kernel: 1Mi, 2️⃣Role: x}]
            3️⃣colour: blue
            """)
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        #expect(spec == nil)
        expectExactly(diagnostics, [(.unknownKey, 1), (.unknownKey, 2), (.unknownKey, 3)], in: text)
        let notes = diagnostics.sorted.map { $0.notes.first?.message ?? "" }
        #expect(notes[0] == "did you mean 'memory'?")
        #expect(notes[1] == "did you mean 'role'?")
        #expect(notes[2] == "the keys of the spec are 'version', 'policies' and 'machines'")
    }

    @Test func keyAtTheWrongLevelSaysWhereItBelongs() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m
                memory: 256Mi
                monitor: 32Mi
                oses: [{name: a, role: active, memory: 1Mi, kernel: 1Mi}]
                1️⃣jobs: []
            """)
        let (_, diagnostics) = SpecDecoder.decode(text.bytes)
        expectExactly(diagnostics, [(.unknownKey, 1)], in: text)
        #expect(diagnostics.all.first?.notes.first?.message.contains("'jobs' is a key of an OS") == true)
    }

    @Test func missingKeysAtTheMappingStart() {
        let text = MarkedText(
            """
            1️⃣policies: {}
            machines:
              - 2️⃣name: m
                oses:
                  - 3️⃣name: a
                    role: active
                    jobs:
                      - 4️⃣{name: j}
            """)
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        #expect(spec == nil)
        expectExactly(
            diagnostics,
            [
                (.missingKey, 1), (.missingKey, 2), (.missingKey, 2), (.missingKey, 3), (.missingKey, 3),
                (.missingKey, 4),
            ], in: text)
        let messages = Set(diagnostics.all.map(\.message))
        #expect(messages.contains("missing key 'version' in the spec"))
        #expect(messages.contains("missing key 'memory' in machine 'm'"))
        #expect(messages.contains("missing key 'monitor' in machine 'm'"))
        #expect(messages.contains("missing key 'kernel' in OS 'a'"))
        #expect(messages.contains("missing key 'memory' in job 'j'"))
    }

    @Test func wrongTypes() {
        let text = MarkedText(
            """
            version: 1
            policies: 1️⃣[os]
            machines:
              - name: 2️⃣[m]
                memory: 3️⃣{a: 1}
                monitor:4️⃣
                oses:
                  - 5️⃣just-a-string
                  - name: a
                    role: active
                    memory: 1Mi
                    kernel: 1Mi
                    jobs: 6️⃣{name: j, memory: 1Mi}
              - 7️⃣[nested, list]
            """)
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        #expect(spec == nil)
        expectExactly(
            diagnostics,
            [
                (.wrongType, 1), (.wrongType, 2), (.wrongType, 3), (.wrongType, 4), (.wrongType, 5),
                (.wrongType, 6), (.wrongType, 7),
            ], in: text)
        #expect(firstDiagnostic(.wrongType, in: diagnostics)?.message == "'policies' must be a mapping, not a list")
        #expect(diagnostics.sorted[3].message == "'monitor' must be a size, not null (no value)")
    }

    @Test func topLevelMustBeAMapping() {
        for top in ["1️⃣- a\n- b\n", "1️⃣just text\n", "  1️⃣42\n"] {
            let text = MarkedText(top)
            let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
            #expect(spec == nil)
            expectExactly(diagnostics, [(.wrongType, 1)], in: text)
        }
    }

    @Test func emptySpecs() {
        for text in ["", "# only a comment\n# and another\n", "\n\n   \n", "---\n", "--- ~\n", "null\n"] {
            let (spec, diagnostics) = decodeText(text)
            #expect(spec == nil)
            #expect(diagnostics.all.map(\.code) == [.emptySpec], "\(text.debugDescription)")
            #expect(diagnostics.all.first?.location == .start)
        }
        let (_, bomOnly) = SpecDecoder.decode([0xEF, 0xBB, 0xBF])
        #expect(bomOnly.all.map(\.code) == [.emptySpec])
    }

    @Test func versionMustBeOne() {
        let text = MarkedText(
            """
            version: 1️⃣2
            machines: []
            """)
        let (_, diagnostics) = SpecDecoder.decode(text.bytes)
        expectExactly(diagnostics, [(.unsupportedVersion, 1)], in: text)
        for (value, code) in [("\"1\"", DiagnosticCode.wrongType), ("1.0", .unsupportedVersion), ("[1]", .wrongType)] {
            let (_, d) = decodeText("version: \(value)\nmachines: []\n")
            #expect(d.all.map(\.code) == [code], "\(value)")
        }
    }

    @Test func emptyMachinesDecodesForTheValidator() throws {
        let (spec, diagnostics) = decodeText("version: 1\nmachines: []\n")
        #expect(diagnostics.isEmpty)
        #expect(try #require(spec).machines.isEmpty)
    }
}

// MARK: - Values

/// A one-machine spec with `job` as the only job's extra keys and `machine` as the machine's.
func oneJobSpec(machine: String = "", os: String = "", job: String) -> String {
    """
    version: 1
    machines:
      - name: m
        memory: 1Gi
        monitor: 32Mi
    \(machine.isEmpty ? "" : "    " + machine + "\n")    oses:
          - name: a
            role: active
            memory: 256Mi
            kernel: 32Mi
    \(os.isEmpty ? "" : "        " + os + "\n")        jobs:
              - name: j
    \(job.split(separator: "\n").map { "            " + $0 }.joined(separator: "\n"))
    """
}

@Suite struct SpecDecoderValueTests {
    @Test func sizesAreExact() throws {
        let (spec, diagnostics) = decodeText(oneJobSpec(job: "memory: 1.5Gi\nstandby_memory: 1536Mi"))
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
        let job = try #require(spec?.machines.first?.oses.first?.jobs.first)
        #expect(job.memory == 3 << 29 && job.standbyMemory == 3 << 29)
    }

    @Test func sizeErrors() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m
                memory: 1️⃣256m
                monitor: 2️⃣-1Mi
                reserve: 3️⃣1000000000000000000000000000000
                oses:
                  - name: a
                    role: active
                    memory: 4️⃣0.5
                    kernel: 5️⃣1e3
                    jobs:
                      - {name: j, memory: 6️⃣0}
                      - {name: k, memory: 1Mi, standby_memory: 7️⃣8Ei}
                      - {name: l, memory: 8️⃣!!float 1.5}
                      - {name: n, memory: 9️⃣true}
            """)
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        #expect(spec == nil)
        expectExactly(
            diagnostics,
            [
                (.invalidSize, 1), (.sizeOutOfRange, 2), (.sizeOutOfRange, 3), (.sizeOutOfRange, 4),
                (.invalidSize, 5), (.jobMemoryZero, 6), (.sizeOutOfRange, 7), (.wrongType, 8), (.wrongType, 9),
            ], in: text)
        let invalid = diagnostics.sorted[0]
        #expect(invalid.notes.first?.message.contains("'256Mi'") == true)
        #expect(invalid.notes.last?.message == Quantity.acceptedForms)
    }

    @Test func booleans() {
        let cases: [(String, DiagnosticCode?, String?)] = [
            ("true", nil, nil), ("false", nil, nil), ("!!bool true", nil, nil),
            ("yes", .invalidBoolean, "write 'true'"), ("no", .invalidBoolean, "write 'false'"),
            ("on", .invalidBoolean, "write 'true'"), ("off", .invalidBoolean, "write 'false'"),
            ("y", .invalidBoolean, "write 'true'"), ("n", .invalidBoolean, "write 'false'"),
            ("Y", .invalidBoolean, "write 'true'"), ("NO", .invalidBoolean, "write 'false'"),
            ("True", .invalidBoolean, "write 'true'"), ("FALSE", .invalidBoolean, "write 'false'"),
            ("Yes", .invalidBoolean, "write 'true'"), ("OFF", .invalidBoolean, "write 'false'"),
            ("1", .invalidBoolean, "write 'true' or 'false'"),
            ("\"true\"", .wrongType, "remove the quotes: write 'true'"),
            ("'false'", .wrongType, "remove the quotes: write 'false'"),
            ("!!str true", .wrongType, "remove the quotes: write 'true'"),
            ("[true]", .wrongType, nil), ("~", .wrongType, nil),
        ]
        for (value, code, note) in cases {
            let text = MarkedText(oneJobSpec(job: "memory: 1Mi\nhot_standby: 1️⃣\(value)"))
            let (_, diagnostics) = SpecDecoder.decode(text.bytes)
            guard let code else {
                #expect(diagnostics.isEmpty, "\(value): \(describeDiagnostics(diagnostics))")
                continue
            }
            expectExactly(diagnostics, [(code, 1)], in: text)
            if let note { #expect(diagnostics.all.first?.notes.first?.message == note, "\(value)") }
        }
        let pool = MarkedText("version: 1\npolicies: {pool: 1️⃣off}\nmachines: []\n")
        expectExactly(SpecDecoder.decode(pool.bytes).1, [(.invalidBoolean, 1)], in: pool)
    }

    @Test func names() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: 1️⃣-m
                memory: 1Gi
                monitor: 32Mi
                oses:
                  - name: 2️⃣"a b"
                    role: active
                    memory: 256Mi
                    kernel: 32Mi
                    standby: 3️⃣a/b/c
                    jobs:
                      - {name: 4️⃣"\(String(repeating: "x", count: 64))", memory: 1Mi, standby: 5️⃣"/x"}
                      - {name: 6️⃣true, memory: 1Mi}
                      - {name: 7️⃣, memory: 1Mi}
                      - {name: 8️⃣"", memory: 1Mi}
                      - {name: 9️⃣"é", memory: 1Mi}
                      - {name: 42, memory: 1Mi}
            """)
        let (_, diagnostics) = SpecDecoder.decode(text.bytes)
        expectExactly(
            diagnostics,
            [
                (.invalidName, 1), (.invalidName, 2), (.invalidReference, 3), (.invalidName, 4),
                (.invalidReference, 5), (.wrongType, 6), (.wrongType, 7), (.invalidName, 8), (.invalidName, 9),
            ], in: text)
        #expect(firstDiagnostic(.invalidName, in: diagnostics)?.message == "'-m' is not a valid name: it starts with '-'")
        #expect(firstDiagnostic(.invalidName, in: diagnostics)?.notes.first?.message == Names.rule)
    }

    @Test func enumerations() {
        let text = MarkedText(
            """
            version: 1
            policies:
              faults: [os, 1️⃣Job, 2️⃣disk]
              job_fault: {light: 3️⃣restrat, severe: 4️⃣explode}
              os_fault: {os_area: 5️⃣kept}
            machines:
              - name: m
                memory: 1Gi
                monitor: 32Mi
                oses: [{name: a, role: 6️⃣standbye, memory: 1Mi, kernel: 1Mi}]
            """)
        let (_, diagnostics) = SpecDecoder.decode(text.bytes)
        expectExactly(
            diagnostics,
            [
                (.invalidValue, 1), (.invalidValue, 2), (.invalidValue, 3), (.invalidValue, 4),
                (.invalidValue, 5), (.invalidValue, 6),
            ], in: text)
        let notes = diagnostics.sorted.map { $0.notes.map(\.message) }
        #expect(notes[0] == ["did you mean 'job'?", "'faults' is one of 'os', 'job', 'standby', 'memory' or 'machine'"])
        #expect(notes[1] == ["'faults' is one of 'os', 'job', 'standby', 'memory' or 'machine'"])
        #expect(notes[2].first == "did you mean 'restart'?")
        #expect(notes[3] == ["'severe' is one of 'restart', 'stop' or 'failover'"])
        #expect(notes[4].first == "did you mean 'keep'?")
        #expect(notes[5].first == "did you mean 'standby'?")
    }

    @Test func faultKindsAreSortedAndRepeatsWarned() throws {
        let text = MarkedText("version: 1\npolicies: {faults: [memory, os, 1️⃣memory, machine]}\nmachines: []\n")
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        expectExactly(diagnostics, [(.duplicateFaultKind, 1)], in: text)
        #expect(try #require(spec).policies.faults == [.os, .memory, .machine])
        #expect(diagnostics.all.first?.severity == .warning)
    }

    @Test func percentages() throws {
        let (spec, _) = decodeText("version: 1\npolicies: {memory_fault: {lost: 12.5%}}\nmachines: []\n")
        #expect(try #require(spec).policies.memoryLost == Percentage(numerator: 1, denominator: 8))
        for (value, ok) in [("0%", true), ("100%", true), ("'50%'", true), ("101%", false), ("50", false), ("-1%", false), ("[50%]", false), ("0.0000000000001%", false)] {
            let (s, d) = decodeText("version: 1\npolicies: {memory_fault: {lost: \(value)}}\nmachines: []\n")
            #expect((s != nil) == ok, "\(value): \(describeDiagnostics(d))")
            if !ok {
                let code: DiagnosticCode = value.hasPrefix("[") ? .wrongType : .invalidPercentage
                #expect(d.all.map(\.code) == [code], "\(value)")
            }
        }
    }
}

// MARK: - Granule rounding

@Suite struct SpecDecoderRoundingTests {
    @Test func roundedAfterTheMappingWhateverTheKeyOrder() throws {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m
                memory: 1️⃣1030Mi
                monitor: 2️⃣30Mi
                reserve: 3️⃣1
                oses:
                  - name: a
                    role: active
                    memory: 4️⃣250Mi
                    kernel: 32Mi
                    jobs:
                      - {name: j, memory: 5️⃣1000000, standby_memory: 6️⃣9Mi}
                      - {name: k, memory: 7️⃣3Mi}
                granule: 4Mi
            """)
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        expectExactly(
            diagnostics,
            [
                (.roundedSize, 1), (.roundedSize, 2), (.roundedSize, 3), (.roundedSize, 4), (.roundedSize, 5),
                (.roundedSize, 6), (.roundedSize, 7),
            ], in: text)
        #expect(diagnostics.all.allSatisfy { $0.severity == .warning })
        let machine = try #require(spec?.machines.first)
        #expect(machine.memory == 1028 * mi)
        #expect(machine.monitor == 32 * mi && machine.reserve == 4 * mi && machine.granule == 4 * mi)
        #expect(machine.oses[0].memory == 252 * mi && machine.oses[0].kernel == 32 * mi)
        let jobs = machine.oses[0].jobs
        #expect(jobs[0].memory == 4 * mi && jobs[0].standbyMemory == 12 * mi)
        // A default standby_memory follows the rounded memory, without a second warning.
        #expect(jobs[1].memory == 4 * mi && jobs[1].standbyMemory == 4 * mi)
        let down = diagnostics.sorted[0]
        #expect(down.message == "'memory' rounded down from 1030 MiB to 1028 MiB, a multiple of the 4 MiB granule")
        #expect(down.notes.first?.message == "write '1028Mi', or set a smaller 'granule' on the machine")
        #expect(diagnostics.sorted[1].message.contains("rounded up from 30 MiB to 32 MiB"))
    }

    /// The old and the new size of a rounding in one unit, exact: 1000 MiB
    /// rounded to a 1 GiB granule reads `1024 MiB`, not `1 GiB`.
    @Test func aRoundingSaysBothSizesInOneUnit() throws {
        let text = """
            version: 1
            machines:
              - name: m
                memory: 3000Mi
                monitor: 1Gi
                granule: 1Gi
                oses:
                  - {name: a, role: active, memory: 1000Mi, kernel: 1Gi}

            """
        let (_, diagnostics) = SpecDecoder.decode(Array(text.utf8))
        let messages = diagnostics.all.filter { $0.code == .roundedSize }.map(\.message)
        #expect(messages.contains("'memory' rounded down from 3000 MiB to 2048 MiB, a multiple of the 1 GiB granule"), "\(messages)")
        #expect(messages.contains("'memory' rounded up from 1000 MiB to 1024 MiB, a multiple of the 1 GiB granule"), "\(messages)")
    }

    @Test func defaultGranuleIsOneMebibyte() throws {
        let text = MarkedText(oneJobSpec(job: "memory: 1️⃣1500Ki"))
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        expectExactly(diagnostics, [(.roundedSize, 1)], in: text)
        #expect(try #require(spec).machines[0].oses[0].jobs[0].memory == 2 * mi)
    }

    @Test func granuleMustBeAboveZero() {
        let text = MarkedText(oneJobSpec(machine: "granule: 1️⃣0", job: "memory: 1Mi"))
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        #expect(spec == nil)
        expectExactly(diagnostics, [(.invalidGranule, 1)], in: text)
    }

    @Test func roundingPastTheLargestSizeIsAnError() {
        let text = MarkedText(oneJobSpec(job: "memory: 1️⃣9223372036854775807"))
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        #expect(spec == nil)
        expectExactly(diagnostics, [(.sizeOutOfRange, 1)], in: text)
    }
}

// MARK: - Reader errors

@Suite struct SpecDecoderReaderErrorTests {
    @Test func eachReaderErrorHasItsCode() {
        let cases: [(String, DiagnosticCode)] = [
            ("version: 1\nmachines: [\n", .yamlSyntax),
            ("version: 1\n1️⃣version: 1\n", .duplicateKey),
            ("version: 1\nmachines: 1️⃣*nothing\n", .undefinedAlias),
            ("version: 1\n1️⃣[a]: 1\n", .complexKey),
            ("version: 1\nbase: &b 1\nmachines:\n  - <<: 1️⃣*b\n", .invalidMerge),
            ("version: 1\nmachines: []\n1️⃣---\nversion: 1\n", .multipleDocuments),
            ("version: 1\nmachines: 1️⃣!!python/object:os.system []\n", .unsupportedTag),
        ]
        for (source, code) in cases {
            let text = MarkedText(source)
            let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
            #expect(spec == nil)
            #expect(diagnostics.all.last?.code == code, "\(source.debugDescription): \(describeDiagnostics(diagnostics))")
            if text.markers[1] != nil {
                #expect(diagnostics.all.last?.location == text[1], "\(source.debugDescription)")
            }
        }
    }

    @Test func duplicateKeyPointsAtTheFirstOccurrence() throws {
        let text = MarkedText("1️⃣version: 1\n2️⃣version: 1\nmachines: []\n")
        let (_, diagnostics) = SpecDecoder.decode(text.bytes)
        let d = try #require(diagnostics.all.last)
        #expect(d.code == .duplicateKey && d.location == text[2])
        #expect(d.notes.contains { $0.location == text[1] })
    }

    @Test func limitsNameTheirFlag() {
        let deep = "version: 1\nmachines: " + String(repeating: "[", count: 100)
        let (_, tooDeep) = decodeText(deep)
        #expect(tooDeep.all.map(\.code) == [.wrongType, .nestingTooDeep])
        #expect(tooDeep.all.last?.notes.contains { $0.message.contains("--max-depth") } == true)

        let (_, tooLarge) = decodeText("version: 1\nmachines: []\n", limits: YAMLLimits(maxInputBytes: 10))
        #expect(tooLarge.all.map(\.code) == [.inputTooLarge])
        #expect(tooLarge.all.first?.notes.contains { $0.message.contains("--max-input-bytes") } == true)

        var laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            laughs += "\(Character(UnicodeScalar(UInt8(97 + level)))): &\(Character(UnicodeScalar(UInt8(97 + level)))) "
                + "[" + Array(repeating: "*\(Character(UnicodeScalar(UInt8(96 + level))))", count: 9).joined(separator: ", ")
                + "]\n"
        }
        let (_, budget) = decodeText(laughs)
        #expect(budget.all.last?.code == .aliasBudget)
        #expect(budget.all.last?.notes.contains { $0.message.contains("--max-alias-nodes") } == true)
    }

    @Test func encodingErrors() {
        let (_, invalid) = SpecDecoder.decode(Array("version: 1\n".utf8) + [0xC3, 0x28])
        #expect(invalid.all.map(\.code) == [.invalidEncoding])
        let (_, utf16) = SpecDecoder.decode([0xFF, 0xFE, 0x76, 0x00])
        #expect(utf16.all.map(\.code) == [.invalidEncoding])
    }

    @Test func diagnosticsBeforeAReaderErrorAreKept() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m
                memory: 1️⃣12 parsecs
                monitor: 32Mi
                oses: [{name: a, role: active, memory: 1Mi, kernel: 1Mi}]
            2️⃣machines: []
            """)
        let (spec, diagnostics) = SpecDecoder.decode(text.bytes)
        #expect(spec == nil)
        expectExactly(diagnostics, [(.invalidSize, 1), (.duplicateKey, 2)], in: text)
    }

    @Test func deepUnknownSubtreesAreSkippedWithoutRecursion() {
        // Under a raised depth limit, 5,000 nested mappings under an unknown key.
        let depth = 5_000
        var text = "version: 1\nmachines: []\nextra:"
        text += String(repeating: " {a:", count: depth) + " 1" + String(repeating: "}", count: depth) + "\n"
        let (spec, diagnostics) = decodeText(text, limits: YAMLLimits(maxDepth: depth + 10))
        #expect(spec == nil)
        #expect(diagnostics.all.map(\.code) == [.unknownKey])
    }
}

/// Top-level `x-` keys: ignored, a place for anchors.
@Suite struct ExtensionKeyTests {
    @Test func anXKeyHoldsAnchorsTheSpecMerges() throws {
        let text = MarkedText(
            """
            version: 1
            x-job: &job {memory: 64Mi, hot_standby: true}
            x-anything: [1, {deep: [true]}, not a spec value]
            machines:
              - name: m1
                memory: 1Gi
                monitor: 64Mi
                oses:
                  - {name: a, role: active, memory: 512Mi, kernel: 64Mi, standby: sb,
                     jobs: [{<<: *job, name: j1}, {<<: *job, name: j2, memory: 128Mi}]}
                  - {name: sb, role: standby, memory: 256Mi, kernel: 64Mi}

            """)
        let (spec, diagnostics) = decodeText(text.text)
        #expect(diagnostics.isEmpty, "\(describeDiagnostics(diagnostics))")
        let jobs = try #require(spec?.machines.first?.oses.first?.jobs)
        #expect(jobs.map(\.name) == ["j1", "j2"])
        #expect(jobs.map(\.memory) == [64 << 20, 128 << 20])
        #expect(jobs.allSatisfy { $0.hotStandby })
    }

    @Test func onlyTheTopLevelHasThem() {
        let text = MarkedText(
            """
            version: 1
            X-upper: 1
            machines:
              - name: m1
                1️⃣x-note: a machine has no x- keys
                memory: 1Gi
                monitor: 64Mi
                oses: []

            """)
        let (_, diagnostics) = decodeText(text.text)
        #expect(diagnostics.all.filter { $0.code == .unknownKey }.map(\.location) == [
            StandbyKit.SourceLocation(line: 2, column: 1), text[1],
        ])
    }

    @Test func theSchemaAllowsThemAtTheTopOnly() {
        let patterns = SchemaSync.schema["patternProperties"] as? [String: Any]
        #expect(patterns?.keys.sorted() == ["^x-"])
        #expect(SchemaSync.definition("machine")["patternProperties"] == nil)
    }
}

/// Where problems with aliased, merged and missing values are shown.
@Suite struct UseLocationTests {
    @Test func aProblemReachedThroughAnAliasIsShownAtTheAlias() throws {
        let text = MarkedText(
            """
            version: 1
            x-sizes: 2️⃣&bad 12x
            machines:
              - name: m1
                memory: 1️⃣*bad
                monitor: 64Mi
                oses: []

            """)
        let (_, diagnostics) = decodeText(text.text)
        expectExactly(diagnostics, [(.invalidSize, 1)], in: text)
        let d = try #require(firstDiagnostic(.invalidSize, in: diagnostics))
        #expect(d.notes.last == Diagnostic.Note("the aliased node is defined here", at: text[2]))
    }

    @Test func aProblemInAMergedMappingIsShownOnceWithEachMerge() throws {
        let text = MarkedText(
            """
            version: 1
            x-machine: &m {memory: 1️⃣1x, monitor: 64Mi, oses: []}
            machines:
              - name: m1
                <<: 2️⃣*m
              - name: m2
                <<: 3️⃣*m
              - <<: [{name: m3}, 4️⃣*m]

            """)
        let (_, diagnostics) = decodeText(text.text)
        expectExactly(diagnostics, [(.invalidSize, 1)], in: text)
        let merges = try #require(firstDiagnostic(.invalidSize, in: diagnostics)).notes.filter { $0.message == "merged here" }
        #expect(merges.map(\.location) == [text[2], text[3], text[4]])
    }

    @Test func aKeyWithoutAValueIsShownAtTheKey() {
        let text = MarkedText(
            """
            version: 1
            machines:
              - name: m1
                ? 1️⃣memory
                monitor: 64Mi
                oses: []
                ? 2️⃣granule

            """)
        let (_, diagnostics) = decodeText(text.text)
        expectExactly(diagnostics, [(.wrongType, 1), (.wrongType, 2)], in: text)
    }

    @Test func repeatsAreOneDiagnosticAndOtherNotesStay() {
        let note = Diagnostic.Note("merged here", at: .init(line: 3, column: 1))
        let other = Diagnostic.Note("merged here", at: .init(line: 4, column: 1))
        let a = Diagnostic.error("c", "m", at: .start, notes: [.init("hint"), note])
        let b = Diagnostic.error("c", "m", at: .start, notes: [.init("hint"), other])
        let c = Diagnostic.error("c", "another", at: .start, notes: [.init("hint"), other])
        let joined = SpecDecoder.coalesced(Diagnostics([a, b, a, c]))
        #expect(joined.all == [Diagnostic.error("c", "m", at: .start, notes: [.init("hint"), note, other]), c])
    }
}
