import Foundation
import Testing

@testable import StandbyKit

private typealias Location = StandbyKit.SourceLocation

private func at(_ line: Int, _ column: Int) -> Location { Location(line: line, column: column) }

/// A far position: too far from any name to pack.
private let far = at(5_000, 2_000)

/// Name, then the positions of memory, hot_standby and standby_memory: near the
/// name, before it, far from it, and absent.
private let positionCases: [(Location, Location?, Location?, Location?)] = [
    (at(10, 7), at(11, 15), nil, nil),
    (at(10, 7), at(10, 30), at(10, 52), at(10, 75)),
    (at(40, 9), at(8, 9), at(71, 1023), at(39, 1)),
    (at(40, 9), at(7, 9), nil, nil),
    (at(40, 9), at(72, 9), nil, nil),
    (at(3, 3), at(3, 1024), nil, at(4, 5)),
    (at(1, 1), nil, far, nil),
    (at(1, 1), nil, nil, nil),
]

/// The decoded spec holds a record per job of a fleet, so its layout is part
/// of the tool's memory budget (README, "Performance"): these tests keep the
/// record from growing unnoticed, and check that the compact storage behind
/// the properties of jobs and compiled machines gives back what was stored.
@Suite struct ModelStorageTests {
    @Test func perJobRecordsStaySmall() {
        #expect(MemoryLayout<Location>.stride == 8)
        #expect(MemoryLayout<Job>.stride <= 48)
    }

    @Test(arguments: positionCases.indices, [nil, OSReference(machine: "m1", os: "sb0", location: at(12, 40))])
    func positionsReadBackAsStored(_ index: Int, standby: OSReference?) {
        let (at, memoryAt, hotAt, copyAt) = positionCases[index]
        let job = Job(
            name: "j", memory: 64 << 20, hotStandby: true, standbyMemory: 32 << 20, standby: standby,
            policy: JobFaultPolicy(light: .stop, severe: .restart), location: at,
            memoryLocation: memoryAt, hotStandbyLocation: hotAt, standbyMemoryLocation: copyAt)
        #expect(job.location == at)
        #expect(job.memoryLocation == memoryAt)
        #expect(job.hotStandbyLocation == hotAt)
        #expect(job.standbyMemoryLocation == copyAt)
        #expect(job.standby == standby)
        #expect(job.standby?.location == standby?.location)
        #expect(job.memory == 64 << 20)
        #expect(job.standbyMemory == 32 << 20)
        #expect(job.hotStandby)
        #expect(job.policy == JobFaultPolicy(light: .stop, severe: .restart))
    }

    @Test func settersChangeOneFieldOnly() {
        let standby = OSReference(os: "sb", location: at(3, 20))
        var job = Job(
            name: "j", memory: 8, standby: standby, location: at(3, 5),
            memoryLocation: at(4, 13), hotStandbyLocation: at(5, 18))
        let original = job

        job.location = at(900, 5)  // the others are now far from it
        #expect(job.memoryLocation == at(4, 13))
        #expect(job.hotStandbyLocation == at(5, 18))
        #expect(job.standby == standby)
        #expect(job != original)
        job.location = original.location
        #expect(job == original)
        #expect(job.hashValue == original.hashValue)

        job.standbyMemoryLocation = far
        #expect(job.standbyMemoryLocation == far)
        #expect(job.memoryLocation == at(4, 13))
        job.standbyMemoryLocation = nil
        #expect(job == original)

        job.standby = nil
        #expect(job.standby == nil)
        #expect(job.hotStandbyLocation == at(5, 18))
        job.standby = standby
        job.hotStandby = true
        job.policy.severe = .stop
        #expect(job.hotStandby && job.policy == JobFaultPolicy(light: .restart, severe: .stop))
        job.hotStandby = false
        #expect(job.policy == JobFaultPolicy(light: .restart, severe: .stop))
        job.policy = JobFaultPolicy()
        #expect(job == original)
    }

    /// Sizes that pack (a number below 2^26 times a power of two) and sizes
    /// that go to the box, alone or with positions that do not pack either.
    @Test(arguments: [
        0, 1, 4 << 10, 64 << 20, 1 << 26 - 1, (1 << 26 - 1) << 37, 1 << 62, 1 << 26 + 1, 123_456_789, Int.max, -1,
    ])
    func sizesReadBackAsStored(_ size: Int) {
        for (memoryAt, standby) in [(at(11, 9), nil), (far, OSReference(os: "s"))] {
            var job = Job(
                name: "j", memory: size, standbyMemory: 32 << 20, standby: standby, location: at(10, 7),
                memoryLocation: memoryAt)
            #expect(job.memory == size && job.standbyMemory == 32 << 20)
            #expect(job.memoryLocation == memoryAt && job.standby == standby)
            job.standbyMemory = size
            job.memory = 1 << 20
            #expect(job.memory == 1 << 20 && job.standbyMemory == size)
            #expect(job.memoryLocation == memoryAt && job.standby == standby)
            job.memory = size
            #expect(job == Job(name: "j", memory: size, standby: standby, location: at(10, 7), memoryLocation: memoryAt))
        }
    }

    @Test func everyPolicyRoundTrips() {
        for light in JobFaultAction.allCases {
            for severe in JobFaultAction.allCases {
                for hot in [false, true] {
                    let policy = JobFaultPolicy(light: light, severe: severe)
                    let job = Job(name: "j", memory: 1, hotStandby: hot, policy: policy)
                    #expect(job.policy == policy && job.hotStandby == hot)
                }
            }
        }
    }

    @Test func locationsSaturateInsteadOfTrapping() {
        let huge = at(Int.max, 1 << 40)
        #expect(huge.line == Int(UInt32.max))
        #expect(huge.column == Int(UInt32.max))
        let job = Job(name: "j", memory: 1, location: huge, memoryLocation: at(1, 1))
        #expect(job.memoryLocation == at(1, 1))
        #expect(at(2, 1) > at(1, 80))
    }

    @Test func sourceLocationEncodesLineAndColumn() throws {
        let data = try JSONEncoder().encode(at(12, 5))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Int])
        #expect(object == ["line": 12, "column": 5])
        #expect(try JSONDecoder().decode(Location.self, from: data) == at(12, 5))
    }

    /// The final table is rebuilt from the initial one and the steps: the
    /// renderer fixture's fleet has expansions, a standby on another machine,
    /// and an OS without jobs ahead of one with jobs.
    @Test func compiledMachinesRebuildTheirFinalTables() throws {
        let mi = 1 << 20
        let compiled = try RenderFixtures.compile(RenderFixtures.fleet())
        let r = { (name: String, kind: RegionKind, size: Int, owner: String, onFault: String) in
            Region(name: name, kind: kind, size: size * mi, owner: owner, onFault: onFault)
        }
        let rack1 = compiled.machines[0]
        #expect(
            rack1.final == [
                r("web", .os, 64, "web", "web"), r("db", .os, 64, "db", "db"), r("spare", .os, 64, "spare", "spare"),
                r("monitor", .monitor, 64, "monitor", "monitor"), r("frontend", .job, 256, "web", "spare"),
                r("cache", .job, 96, "web", "monitor"), r("postgres", .job, 192, "db", "rack2/dr"),
                r("unallocated", .unallocated, 224, "monitor", "monitor"),
            ])
        #expect(rack1.ownRegions == [64 * mi, 64 * mi, 64 * mi] && rack1.pool == 224 * mi)
        let rack2 = compiled.machines[1]
        #expect(
            rack2.final == [
                r("dr", .os, 96, "dr", "dr"), r("batch", .os, 32, "batch", "batch"),
                r("monitor", .monitor, 32, "monitor", "monitor"), r("report", .job, 1536, "batch", "monitor"),
                r("unallocated", .unallocated, 352, "monitor", "monitor"),
            ])
        #expect(rack2.ownRegions == [96 * mi, 32 * mi] && rack2.pool == 352 * mi)
        #expect(rack1.steps == [step(0, 0, 0), step(0, 1, 32 * mi), step(1, 0, 0)])
        #expect(rack2.steps == [step(1, 0, 1440 * mi)])
        for machine in compiled.machines {
            #expect(Array(machine.states).last?.regions == machine.final)
        }
    }

    /// A job that cannot start is left out of the steps (the spec then has an
    /// error, and no compiled spec, but the machine's start-up is still
    /// complete for the jobs after it).
    @Test func stepsLeaveOutAJobThatCannotStart() throws {
        let mi = 1 << 20
        let machine = Machine(
            name: "m", memory: 256 * mi, monitor: 32 * mi,
            oses: [
                OS(name: "idle", role: .active, memory: 16 * mi, kernel: 16 * mi),
                OS(
                    name: "a", role: .active, memory: 64 * mi, kernel: 32 * mi,
                    jobs: [
                        Job(name: "fits", memory: 16 * mi), Job(name: "grows", memory: 48 * mi),
                        Job(name: "huge", memory: 512 * mi), Job(name: "last", memory: 8 * mi),
                    ]),
            ])
        var diagnostics = Diagnostics()
        let compiled = try #require(Compiler.compile(machine, policies: Policies(), into: &diagnostics))
        #expect(diagnostics.all.map(\.code) == [.jobCannotStart])
        #expect(compiled.steps == [step(1, 0, 0), step(1, 1, 32 * mi), step(1, 3, 8 * mi)])
        #expect(compiled.final.map(\.name) == ["idle", "a", "monitor", "fits", "grows", "last", "unallocated"])
        #expect(compiled.pool == 104 * mi)
        #expect(Array(compiled.states).last?.regions == compiled.final)
    }

    private func step(_ os: Int, _ job: Int, _ expansion: Int) -> StartStep {
        StartStep(os: os, job: job, expansion: expansion)
    }
}
