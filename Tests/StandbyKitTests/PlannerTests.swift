import Testing

@testable import StandbyKit

private let Mi = 1 << 20
private let Gi = 1 << 30
private typealias Expected = PlannerFixtures.Expected
private func workedExample(faults: [FaultKind] = [.os, .job, .standby, .memory]) -> Spec {
    PlannerFixtures.workedExample(faults: faults)
}
private func crossMachineExample() -> Spec { PlannerFixtures.crossMachineExample() }
private func compiled(_ spec: Spec) -> CompiledSpec { PlannerFixtures.compiled(spec) }

/// Specs and helpers the planner tests share.
enum PlannerFixtures {
    /// docs/model.md's worked example, built in code.
    static func workedExample(faults: [FaultKind] = [.os, .job, .standby, .memory]) -> Spec {
        Spec(
            policies: Policies(faults: faults),
            machines: [
                Machine(
                    name: "vms50", memory: 256 * Mi, monitor: 32 * Mi,
                    oses: [
                        OS(
                            name: "active", role: .active, memory: 160 * Mi, kernel: 32 * Mi,
                            standby: OSReference(os: "standby"),
                            jobs: [
                                Job(name: "A", memory: 128 * Mi, hotStandby: true, standbyMemory: 128 * Mi),
                                Job(name: "B", memory: 32 * Mi),
                            ]),
                        OS(name: "standby", role: .standby, memory: 32 * Mi, kernel: 32 * Mi),
                    ])
            ])
    }

    /// examples/cross-machine.yaml, built in code.
    static func crossMachineExample() -> Spec {
        Spec(
            policies: Policies(faults: FaultKind.allCases),
            machines: [
                Machine(
                    name: "rack1", memory: 48 * Gi, monitor: 2 * Gi,
                    oses: [
                        OS(
                            name: "app", role: .active, memory: 16 * Gi, kernel: 2 * Gi,
                            standby: OSReference(os: "spare1"),
                            jobs: [
                                Job(
                                    name: "api", memory: 8 * Gi, hotStandby: true, standbyMemory: 6 * Gi,
                                    standby: OSReference(machine: "rack2", os: "dr")),
                                Job(name: "session", memory: 4 * Gi, hotStandby: true),
                                Job(name: "reports", memory: 4 * Gi),
                            ]),
                        OS(name: "spare1", role: .standby, memory: 4 * Gi, kernel: 2 * Gi),
                        OS(
                            name: "ledger", role: .active, memory: 12 * Gi, kernel: 2 * Gi,
                            standby: OSReference(os: "spare1"),
                            jobs: [
                                Job(name: "ledger-db", memory: 8 * Gi, hotStandby: true),
                                Job(name: "ledger-export", memory: 2 * Gi),
                            ]),
                    ]),
                Machine(
                    name: "rack2", memory: 32 * Gi, monitor: 2 * Gi,
                    oses: [
                        OS(
                            name: "web", role: .active, memory: 12 * Gi, kernel: 2 * Gi,
                            standby: OSReference(os: "spare2"),
                            jobs: [
                                Job(name: "web-front", memory: 6 * Gi, hotStandby: true, standbyMemory: 4 * Gi),
                                Job(name: "web-static", memory: 3 * Gi),
                            ]),
                        OS(name: "spare2", role: .standby, memory: 3 * Gi, kernel: 2 * Gi),
                        OS(
                            name: "dr", role: .standby, memory: 4 * Gi, kernel: 2 * Gi,
                            jobs: [Job(name: "dr-sync", memory: 1 * Gi)]),
                    ]),
            ])
    }

    static func compiled(_ spec: Spec) -> CompiledSpec {
        guard let compiled = Compiler.compile(spec).0 else { preconditionFailure("spec does not compile") }
        return compiled
    }

    /// What a test states about one case.
    struct Expected: Equatable, CustomStringConvertible {
        var id: String
        var covered: Bool
        var shortfall = 0
        var poolDraw = 0
        var lost: [String] = []
        var takenOver: [String] = []

        init(
            _ id: String, covered: Bool = true, shortfall: Int = 0, poolDraw: Int = 0, lost: [String] = [],
            takenOver: [String] = []
        ) {
            self.id = id
            self.covered = covered
            self.shortfall = shortfall
            self.poolDraw = poolDraw
            self.lost = lost
            self.takenOver = takenOver
        }

        init(_ c: FaultCase) {
            self.init(
                c.id, covered: c.covered, shortfall: c.shortfall, poolDraw: c.poolDraw, lost: c.lostJobs,
                takenOver: c.takenOver)
        }

        var description: String {
            "\(id) covered=\(covered) shortfall=\(shortfall) draw=\(poolDraw) lost=\(lost) taken=\(takenOver)"
        }
    }
}

@Suite struct PlannerWorkedExampleTests {
    let plan = Planner.plan(compiled(workedExample()))

    @Test func machineFigures() throws {
        #expect(plan.faults == [.os, .job, .standby, .memory])
        let m = try #require(plan.machines.first)
        #expect(plan.machines.count == 1)
        #expect(m.name == "vms50")
        #expect(m.memory == 256 * Mi)
        #expect(m.monitor == 32 * Mi)
        #expect(m.pool == 0)
        #expect(m.footprint == 192 * Mi)
        #expect(m.actives == [ActiveFigure(name: "active", footprint: 192 * Mi, protectedBy: ["standby"])])
        #expect(
            m.standbys == [
                StandbyFigure(
                    name: "standby", kernel: 32 * Mi, resident: 0, allocated: 32 * Mi, minimum: 32 * Mi,
                    protects: ["active"])
            ])
        #expect(m.reserveMinimum == 128 * Mi)
        #expect(m.fluidTotal == 384 * Mi)
        #expect(m.duplicateTotal == 416 * Mi)
        #expect(m.staticTotal == 384 * Mi)
        #expect(m.savings == 32 * Mi)
        #expect(m.savingsPercent.description == "7.7")
        #expect(m.unrecoverableJobs == [])
        #expect(!plan.covered)
        #expect(plan.totals.fluidTotal == 384 * Mi)
        #expect(plan.totals.duplicateTotal == 416 * Mi)
        #expect(plan.totals.staticTotal == 384 * Mi)
        #expect(plan.totals.reserveMinimum == 128 * Mi)
        #expect(plan.totals.footprint == 192 * Mi)
    }

    @Test func everyCase() {
        let expected = [
            Expected("vms50/os/active", lost: ["B"], takenOver: ["A"]),
            Expected("vms50/job/A/light"),
            Expected("vms50/job/A/severe", takenOver: ["A"]),
            Expected("vms50/job/B/light"),
            Expected("vms50/job/B/severe"),
            Expected("vms50/standby/standby"),
            Expected("vms50/memory/active", covered: false, shortfall: 128 * Mi, lost: ["A", "B"]),
        ]
        #expect(plan.cases.map(Expected.init) == expected)
        #expect(plan.cases.map(\.kind) == [.os, .job, .job, .job, .job, .standby, .memory])
        #expect(plan.cases.map(\.target) == ["active", "A", "A", "B", "B", "standby", "active"])
        #expect(plan.cases.map(\.severity) == [nil, .light, .severe, .light, .severe, nil, nil])
        #expect(plan.cases.map(\.action) == [nil, .restart, .failover, .restart, .failover, nil, nil])
    }

    @Test func standbyCaseReportsUnprotectedJobs() throws {
        let c = try #require(plan.faultCase(id: "vms50/standby/standby"))
        #expect(c.covered)
        #expect(c.unprotectedJobs == ["A"])
        #expect(c.unprotectedMemory == 128 * Mi)
        #expect(c.lostJobs == [])
    }

    @Test func memoryCaseSaysWhyAndWhatWouldCoverIt() throws {
        let c = try #require(plan.faultCase(id: "vms50/memory/active"))
        #expect(c.unrecoverable == [])
        #expect(
            c.shortages == [
                Shortage(
                    machine: "vms50", held: 0, released: 0, draw: 0, shortfall: 128 * Mi, requiredPool: 128 * Mi,
                    standbys: [
                        StandbyShortage(
                            standby: "standby", need: 128 * Mi, free: 0, handed: 0, drawn: 0, missing: 128 * Mi,
                            shortJobs: ["A"], coveringAllocation: 160 * Mi)
                    ], coveringMemory: 384 * Mi, memory: 256 * Mi)
            ])
    }

    @Test func withoutMemoryFaults() throws {
        let plan = Planner.plan(compiled(workedExample()), faults: [.os, .job, .standby])
        let m = try #require(plan.machines.first)
        #expect(m.reserveMinimum == 0)
        #expect(m.standbys.map(\.minimum) == [32 * Mi])
        #expect(m.fluidTotal == 256 * Mi)
        #expect(m.duplicateTotal == 416 * Mi)
        #expect(m.staticTotal == 384 * Mi)
        #expect(m.savings == 160 * Mi)
        #expect(m.savingsPercent == RoundedPercent(tenths: 385))
        #expect(m.savingsPercent.description == "38.5")
        #expect(plan.totals.savingsPercent.description == "38.5")
        #expect(plan.covered)
        #expect(plan.cases.count == 6)
        // The spec's own list gives the same plan.
        #expect(plan == Planner.plan(compiled(workedExample(faults: [.os, .job, .standby]))))
    }

    @Test func machineCaseLosesJobsWhoseStandbyDiesWithIt() throws {
        let plan = Planner.plan(compiled(workedExample()), faults: [.machine])
        let c = try #require(plan.faultCase(id: "vms50/machine"))
        #expect(Expected(c) == Expected("vms50/machine", covered: false, lost: ["A", "B"]))
        #expect(c.target == "vms50")
        #expect(c.unrecoverable == [UnrecoverableJob(job: "A", reason: .standbyDown(standby: "standby"))])
        #expect(plan.machines[0].unrecoverableJobs == ["A"])
        #expect(plan.machines[0].reserveMinimum == 0)
    }

    @Test func osCaseTableStepByStep() throws {
        let c = compiled(workedExample())
        let trace = try #require(Planner.trace(caseID: "vms50/os/active", in: c, plan: plan))
        #expect(
            trace.events == [
                .handOver(machine: "vms50", region: "A", bytes: 128 * Mi, standby: "standby"),
                .release(machine: "vms50", region: "B", bytes: 32 * Mi),
                .startCopy(machine: "vms50", standby: "standby", copy: "A", bytes: 128 * Mi),
            ])
        #expect(trace.before.map(\.regions) == [c.machines[0].final])
        // After the hand-over: standby grew from 32 to 160 MiB.
        let handed = trace.tables(afterStep: 1)[0].regions
        #expect(handed.first { $0.name == "standby" }?.size == 160 * Mi)
        #expect(handed.contains { $0.name == "A" } == false)
        let after = try #require(trace.after.first)
        #expect(after.total == 256 * Mi)
        #expect(
            after.regions == [
                Region(name: "active", kind: .os, size: 32 * Mi, owner: "active", onFault: "active"),
                Region(name: "standby", kind: .os, size: 32 * Mi, owner: "standby", onFault: "standby"),
                Region(name: "monitor", kind: .monitor, size: 32 * Mi, owner: "monitor", onFault: "monitor"),
                Region(name: "A", kind: .job, size: 128 * Mi, owner: "standby", onFault: "monitor"),
                Region(name: "unallocated", kind: .unallocated, size: 32 * Mi, owner: "monitor", onFault: "monitor"),
            ])
        #expect(trace.tables(afterStep: 3) == trace.after)
    }

    @Test func memoryCaseTableKeepsLostRows() throws {
        let trace = try #require(
            Planner.trace(caseID: "vms50/memory/active", in: compiled(workedExample()), plan: plan))
        let after = try #require(trace.after.first)
        #expect(after.total == 256 * Mi)
        #expect(
            after.regions == [
                Region(name: "active (lost)", kind: .os, size: 32 * Mi, owner: "active", onFault: "active"),
                Region(name: "standby", kind: .os, size: 32 * Mi, owner: "standby", onFault: "standby"),
                Region(name: "monitor", kind: .monitor, size: 32 * Mi, owner: "monitor", onFault: "monitor"),
                Region(name: "A (lost)", kind: .job, size: 128 * Mi, owner: "active", onFault: "active"),
                Region(name: "B (lost)", kind: .job, size: 32 * Mi, owner: "active", onFault: "active"),
                Region(name: "unallocated", kind: .unallocated, size: 0, owner: "monitor", onFault: "monitor"),
            ])
        #expect(trace.events.last == .cannotStart(machine: "vms50", standby: "standby", copy: "A", bytes: 128 * Mi))
    }

    @Test func unknownCaseHasNoTrace() {
        #expect(Planner.trace(caseID: "vms50/os/nobody", in: compiled(workedExample()), plan: plan) == nil)
    }
}

@Suite struct PlannerCrossMachineTests {
    let plan = Planner.plan(compiled(crossMachineExample()))

    @Test func figures() throws {
        let rack1 = try #require(plan.machines.first { $0.name == "rack1" })
        let rack2 = try #require(plan.machines.first { $0.name == "rack2" })
        #expect(rack1.pool == 12 * Gi)
        #expect(rack2.pool == 11 * Gi)
        #expect(rack1.actives.map(\.footprint) == [18 * Gi, 12 * Gi])
        #expect(rack1.actives[0].protectedBy == ["rack2/dr", "spare1"])
        #expect(rack1.standbys.map(\.minimum) == [2 * Gi])
        #expect(rack1.standbys[0].protects == ["app", "ledger"])
        #expect(rack2.standbys.map(\.name) == ["spare2", "dr"])
        // With `pool: true` a standby's minimum is its floor: kernel + resident jobs.
        #expect(rack2.standbys.map(\.minimum) == [2 * Gi, 3 * Gi])
        #expect(rack2.standbys.map(\.allocated) == [3 * Gi, 4 * Gi])
        #expect(rack2.standbys[1].protects == ["rack1/app"])
        #expect(rack1.reserveMinimum == 8 * Gi)
        // rack1/os/app and rack1/machine: api's 6 GiB copy starts on dr, which
        // is handed nothing (another machine's region); rack2's pool gives it all.
        #expect(rack2.reserveMinimum == 6 * Gi)
        #expect(
            [rack1.fluidTotal, rack1.duplicateTotal, rack1.staticTotal, rack1.savings]
                == [42 * Gi, 50 * Gi, 42 * Gi, 8 * Gi])
        #expect(rack1.savingsPercent.description == "16.0")
        #expect(
            [rack2.fluidTotal, rack2.duplicateTotal, rack2.staticTotal, rack2.savings]
                == [25 * Gi, 44 * Gi, 29 * Gi, 19 * Gi])
        #expect(rack2.savingsPercent.description == "43.2")
        #expect(plan.totals.fluidTotal == 67 * Gi)
        #expect(plan.totals.duplicateTotal == 94 * Gi)
        #expect(plan.totals.savings == 27 * Gi)
        #expect(plan.totals.savingsPercent.description == "28.7")
        #expect(rack1.unrecoverableJobs == ["session", "ledger-db"])
        #expect(rack2.unrecoverableJobs == ["web-front"])
    }

    @Test func crossMachineCopiesDrawFromTheRemotePool() {
        let byID = Dictionary(uniqueKeysWithValues: plan.cases.map { ($0.id, Expected($0)) })
        #expect(
            byID["rack1/os/app"]
                == Expected("rack1/os/app", poolDraw: 5 * Gi, lost: ["reports"], takenOver: ["api", "session"]))
        #expect(
            byID["rack1/memory/app"]
                == Expected("rack1/memory/app", poolDraw: 7 * Gi, lost: ["reports"], takenOver: ["api", "session"]))
        #expect(byID["rack1/job/api/severe"] == Expected("rack1/job/api/severe", poolDraw: 5 * Gi, takenOver: ["api"]))
        #expect(
            byID["rack1/memory/ledger"]
                == Expected("rack1/memory/ledger", poolDraw: 6 * Gi, lost: ["ledger-export"], takenOver: ["ledger-db"]))
        #expect(
            byID["rack1/machine"]
                == Expected(
                    "rack1/machine", covered: false, poolDraw: 5 * Gi,
                    lost: ["session", "reports", "ledger-db", "ledger-export"], takenOver: ["api"]))
        #expect(
            byID["rack2/machine"]
                == Expected("rack2/machine", covered: false, lost: ["web-front", "web-static", "dr-sync"]))
        #expect(byID["rack2/standby/dr"] == Expected("rack2/standby/dr", lost: ["dr-sync"]))
    }

    @Test func unprotectedJobsAreNamedFromTheCasesMachine() throws {
        let dr = try #require(plan.faultCase(id: "rack2/standby/dr"))
        #expect(dr.unprotectedJobs == ["rack1/api"])
        #expect(dr.unprotectedMemory == 8 * Gi)
        let machine = try #require(plan.faultCase(id: "rack2/machine"))
        #expect(machine.unprotectedJobs == ["rack1/api"])
        #expect(machine.unrecoverable == [UnrecoverableJob(job: "web-front", reason: .standbyDown(standby: "spare2"))])
    }

    @Test func crossMachineTrace() throws {
        let trace = try #require(Planner.trace(caseID: "rack1/os/app", in: compiled(crossMachineExample()), plan: plan))
        #expect(trace.after.map(\.machine) == ["rack1", "rack2"])
        #expect(trace.after.allSatisfy { $0.total == $0.memory })
        let rack2 = trace.after[1].regions
        #expect(
            rack2.first { $0.name == "rack1/api" }
                == Region(name: "rack1/api", kind: .job, size: 6 * Gi, owner: "dr", onFault: "monitor"))
        // dr: 3 GiB own region + 5 GiB from the pool − the 6 GiB copy.
        #expect(rack2.first { $0.name == "dr" }?.size == 2 * Gi)
        #expect(rack2.last?.size == 6 * Gi)
        // api's 8 GiB and reports' 4 GiB return to rack1's pool.
        #expect(trace.after[0].regions.last?.size == 24 * Gi)

        let dead = try #require(Planner.trace(caseID: "rack1/machine", in: compiled(crossMachineExample()), plan: plan))
        #expect(dead.after[0].lost)
        #expect(dead.after[0].regions.allSatisfy { $0.name.hasSuffix(" (lost)") })
        #expect(dead.after[0].total == 48 * Gi)
        #expect(dead.after[1].regions.contains { $0.name == "rack1/api" })
    }
}

@Suite struct PlannerPolicyTests {
    /// One active with a hot-standby job H (8 units, copy 6) and an ordinary job O
    /// (4 units), a standby with 2 units free, and a pool of 10 units (1 unit: 1 MiB).
    func spec(_ policies: Policies, h: JobFaultPolicy = JobFaultPolicy(), o: JobFaultPolicy = JobFaultPolicy()) -> Spec
    {
        Spec(
            policies: policies,
            machines: [
                Machine(
                    name: "m", memory: 30 * Mi, monitor: 2 * Mi,
                    oses: [
                        OS(
                            name: "x", role: .active, memory: 14 * Mi, kernel: 2 * Mi, standby: OSReference(os: "s"),
                            jobs: [
                                Job(name: "H", memory: 8 * Mi, hotStandby: true, standbyMemory: 6 * Mi, policy: h),
                                Job(name: "O", memory: 4 * Mi, policy: o),
                            ]),
                        OS(name: "s", role: .standby, memory: 4 * Mi, kernel: 2 * Mi),
                    ])
            ])
    }

    @Test func stopPolicies() throws {
        let c = compiled(
            spec(
                Policies(faults: [.job]), h: JobFaultPolicy(light: .stop, severe: .failover),
                o: JobFaultPolicy(light: .stop, severe: .failover)))
        let plan = Planner.plan(c)
        let cases = plan.cases
        #expect(
            cases.map(Expected.init) == [
                Expected("m/job/H/light", covered: false, lost: ["H"]),
                Expected("m/job/H/severe", takenOver: ["H"]),
                Expected("m/job/O/light", lost: ["O"]),
                Expected("m/job/O/severe"),
            ])
        #expect(cases[0].unrecoverable == [UnrecoverableJob(job: "H", reason: .stoppedByPolicy)])
        let trace = try #require(Planner.trace(caseID: "m/job/O/light", in: c, plan: plan))
        #expect(trace.events == [.mergeIntoOS(machine: "m", region: "O", os: "x")])
        #expect(trace.after[0].regions.first { $0.name == "x" }?.size == 6 * Mi)
        // A hot-standby job that a policy stops is left out of the reserve.
        #expect(plan.machines[0].unrecoverableJobs == ["H"])
    }

    @Test func releasedOSAreaReturnsToThePool() throws {
        // Half of each region is lost; x's own area (2 units) is released.
        let policies = Policies(
            faults: [.memory], osArea: .release, memoryLost: Percentage(numerator: 1, denominator: 2))
        let plan = Planner.plan(compiled(spec(policies)))
        let c = try #require(plan.cases.first)
        // H hands 4 to s (2 free): copy 6 fits. Released: x's 1 + O's 2 on top of a pool of 10.
        #expect(Expected(c) == Expected("m/memory/x", lost: ["O"], takenOver: ["H"]))
        #expect(plan.machines[0].reserveMinimum == 0)
        let trace = try #require(Planner.trace(c, in: compiled(spec(policies))))
        #expect(trace.after[0].total == 30 * Mi)
        #expect(trace.after[0].regions.last?.size == 13 * Mi)
    }

    @Test func poolFalseDrawsNothing() throws {
        let policies = Policies(faults: [.memory], pool: false)
        let plan = Planner.plan(compiled(spec(policies)))
        let c = try #require(plan.cases.first)
        #expect(Expected(c) == Expected("m/memory/x", covered: false, shortfall: 4 * Mi, lost: ["H", "O"]))
        #expect(c.shortages.first?.requiredPool == nil)
        #expect(c.shortages.first?.standbys.first?.coveringAllocation == 8 * Mi)
        #expect(plan.machines[0].reserveMinimum == 0)

        let pooled = Planner.plan(compiled(spec(Policies(faults: [.memory]))))
        #expect(Expected(pooled.cases[0]) == Expected("m/memory/x", poolDraw: 4 * Mi, lost: ["O"], takenOver: ["H"]))
        #expect(pooled.machines[0].reserveMinimum == 6 * Mi)
    }

    @Test func granuleRoundsTheLostPartUp() throws {
        // 12.5 % of 8 MiB is 1 MiB, which a 4 MiB granule rounds up to 4 MiB.
        var s = spec(Policies(faults: [.memory], memoryLost: Percentage(numerator: 125, denominator: 1000)))
        s.machines[0].granule = 4 * Mi
        let plan = Planner.plan(compiled(s))
        let trace = try #require(Planner.trace(plan.cases[0], in: compiled(s)))
        #expect(trace.events.contains(.cutOff(machine: "m", region: "H", bytes: 4 * Mi)))
        #expect(trace.events.contains(.cutOff(machine: "m", region: "O", bytes: 4 * Mi)))
        #expect(trace.events.contains(.cutOff(machine: "m", region: "x", bytes: 2 * Mi)))
        #expect(trace.after[0].total == 30 * Mi)
    }
}

@Suite struct PlannerArithmeticTests {
    @Test func roundedPercent() {
        #expect(RoundedPercent(part: 160, of: 416).description == "38.5")
        #expect(RoundedPercent(part: 1, of: 3).description == "33.3")
        #expect(RoundedPercent(part: 2, of: 3).description == "66.7")
        #expect(RoundedPercent(part: 1, of: 2000).description == "0.1")
        #expect(RoundedPercent(part: 1, of: 2001).description == "0.0")
        #expect(RoundedPercent(part: -1, of: 2000).description == "-0.1")
        #expect(RoundedPercent(part: -128, of: 256).description == "-50.0")
        #expect(RoundedPercent(part: 5, of: 0).description == "0.0")
        #expect(RoundedPercent(part: Int.max, of: Int.max).description == "100.0")
        #expect(RoundedPercent(part: Int.min, of: 1).tenths == Int.min)
    }

    /// Three machines of 2^62 bytes: each one's figures fit, the fleet's
    /// totals would not; the compiler says so at the machine where the fleet's
    /// sum passes 2^63−1, instead of the planner saturating.
    @Test func fleetTotalsPast8EiBAreAnError() throws {
        let big = 1 << 62
        let machines = (0..<3).map { m in
            Machine(
                name: "m\(m)", memory: big, monitor: big / 2,
                oses: [
                    OS(
                        name: "a", role: .active, memory: big / 4, kernel: Mi, standby: OSReference(os: "s"),
                        jobs: [Job(name: "j", memory: big / 8, hotStandby: true)]),
                    OS(name: "s", role: .standby, memory: Mi, kernel: Mi),
                ])
        }
        let spec = Spec(policies: Policies(faults: FaultKind.allCases), machines: machines)
        let (compiled, diagnostics) = Compiler.compile(spec)
        #expect(compiled == nil)
        #expect(diagnostics.all.map(\.code) == [.totalTooLarge])
        #expect(diagnostics.all.first?.message.contains("machine 'm1'") == true)
        // One machine alone plans, with every figure exact.
        let one = Planner.plan(try #require(Compiler.compile(Spec(policies: spec.policies, machines: [machines[0]])).0))
        #expect(one.machines[0].fluidTotal == big / 2 + big / 4 + Mi + big / 8)
        #expect(one.totals.fluidTotal == one.machines[0].fluidTotal)
        #expect(one.totals.footprint == big / 4)
    }

    /// A standby receiving the copies of two 4 EiB jobs: its minimum alone
    /// would pass 2^63−1. The error is at the standby's machine.
    @Test func aStandbyReceivingMoreThan8EiBIsAnError() {
        let four = 4 << 60
        let senders = (1...2).map { m in
            Machine(
                name: "m\(m)", memory: 5 << 60, monitor: Mi,
                oses: [
                    OS(
                        name: "a", role: .active, memory: four + Mi, kernel: Mi,
                        standby: OSReference(machine: "m0", os: "s"),
                        jobs: [Job(name: "j", memory: four, hotStandby: true)])
                ])
        }
        let receiver = Machine(
            name: "m0", memory: Gi, monitor: Mi, oses: [OS(name: "s", role: .standby, memory: Mi, kernel: Mi)])
        let (compiled, diagnostics) = Compiler.compile(
            Spec(policies: Policies(faults: FaultKind.allCases), machines: [receiver] + senders))
        #expect(compiled == nil)
        #expect(diagnostics.all.map(\.code) == [.totalTooLarge])
        #expect(diagnostics.all.first?.message.contains("machine 'm0'") == true)
    }
}
