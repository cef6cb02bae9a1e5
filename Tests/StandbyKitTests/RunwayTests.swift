import PropertyBased
import Testing

@testable import StandbyKit

/// The runway against a reference that grows the spec period by period and
/// plans each period from scratch with the ordinary planner.
@Suite struct RunwayTests {
    @Test func randomSpecsAgreeWithPlanningEachPeriod() async {
        let seen = ExercisedFeatures()
        await propertyCheck(count: 300, input: runwayInputs()) { input in
            checkRunway(input, seen: seen)
        }
        // The generator still makes every situation the question is about.
        let features = seen.features
        for feature in [
            "start", "case", "lasts", "cross-machine short", "machine fault", "pool false", "own growth",
            "standby grown",
        ] {
            #expect(features.contains(feature), "never exercised: \(feature)")
        }
    }

    /// A job that grows returns more memory to the pool in its OS's fault: the
    /// machine is short today, lasts the next period, and runs out again at
    /// the third. The runway is the first period that fails.
    @Test func theFirstPeriodThatFailsCountsEvenWhenALaterOnePasses() throws {
        // t0: A (10Mi, copy 30Mi, not growing) is handed 10Mi; its standby has
        //     none free, so 20Mi come from the pool: 4Mi + B's 8Mi, 8Mi short.
        // t1: B is 16Mi: 4Mi + 16Mi cover the 20Mi.
        // t2: B is 32Mi: 'active' lacks 2Mi and takes them from the pool.
        let text = """
            version: 1
            policies: {faults: [os]}
            machines:
              - name: m
                memory: 57Mi
                monitor: 4Mi
                oses:
                  - name: active
                    role: active
                    memory: 41Mi
                    kernel: 1Mi
                    standby: sb
                    jobs:
                      - {name: A, memory: 10Mi, hot_standby: true, standby_memory: 30Mi, growth: 0%}
                      - {name: B, memory: 8Mi}
                  - name: sb
                    role: standby
                    memory: 8Mi
                    kernel: 8Mi
            """
        let (decoded, diagnostics) = SpecLoader.load(Array(text.utf8))
        #expect(!diagnostics.hasErrors, "\(diagnostics.all)")
        let spec = try #require(decoded)
        let question = RunwayQuestion(growth: try #require(GrowthRate(basisPoints: 10_000)), horizon: 2)
        let runway = try RunwayPlanner.answer(spec, question).get()
        let machine = try #require(runway.machines.first)
        #expect(machine.runsOutAfter == 0)
        #expect(machine.limit == .shortCase(id: "m/os/active", shortfall: 8 << 20))
        // Period 1 alone has nothing short.
        let one = try #require(reference(spec, question, period: 1))
        #expect(one.plan.cases.allSatisfy { $0.shortfall == 0 })
        #expect(one.blocked.allSatisfy { $0 == nil })
        // The memory for the horizon is today's need (the pool must hold
        // 20Mi beyond B's 8Mi): 8Mi more.
        #expect(machine.memoryForHorizon == 65 << 20)
        // With horizon 3, B no longer starts at 3, but 0 stays the answer.
        let longer = try RunwayPlanner.answer(spec, RunwayQuestion(growth: question.growth, horizon: 3)).get()
        #expect(longer.machines.first?.runsOutAfter == 0)
    }

    /// A library caller's horizon out of range is clamped, never trusted:
    /// the answer's periods are 0 through the clamped horizon.
    @Test func aHorizonOutOfRangeIsClamped() throws {
        let rate = try #require(GrowthRate(basisPoints: 100))
        #expect(RunwayQuestion(growth: rate, horizon: -5).horizon == 1)
        #expect(RunwayQuestion(growth: rate, horizon: Int.max).horizon == RunwayQuestion.maxHorizon)
        var question = RunwayQuestion(growth: rate, horizon: 12)
        question.horizon = 0
        #expect(question.horizon == 1)
        let text = """
            version: 1
            policies: {faults: [os]}
            machines:
              - name: m
                memory: 64Mi
                monitor: 4Mi
                oses:
                  - {name: active, role: active, memory: 40Mi, kernel: 1Mi, standby: sb, jobs: [{name: B, memory: 8Mi}]}
                  - {name: sb, role: standby, memory: 8Mi, kernel: 8Mi}
            """
        let spec = try #require(SpecLoader.load(Array(text.utf8)).0)
        question.horizon = -1
        let runway = try RunwayPlanner.answer(spec, question).get()
        #expect(runway.machines.count == 1)
        #expect(runway.question.horizon == 1)
    }

    @Test func ratesParseAsDocumented() {
        #expect(GrowthRate.parse("2%") == .success(GrowthRate(basisPoints: 200)!))
        #expect(GrowthRate.parse("0.5%") == .success(GrowthRate(basisPoints: 50)!))
        #expect(GrowthRate.parse("2.25%") == .success(GrowthRate(basisPoints: 225)!))
        #expect(GrowthRate.parse("1000%") == .success(GrowthRate(basisPoints: 100_000)!))
        #expect(GrowthRate.parse("1000.01%") == .failure(.tooLarge))
        #expect(GrowthRate.parse("99999999999999999999%") == .failure(.tooLarge))
        #expect(GrowthRate.parse("-1%") == .failure(.negative))
        #expect(GrowthRate.parse("1.125%") == .failure(.tooPrecise))
        #expect(GrowthRate.parse("2") == .failure(.syntax))
        #expect(GrowthRate.parse("two%") == .failure(.syntax))
        #expect(GrowthRate.parse("1.%") == .failure(.syntax))
        #expect(GrowthRate(basisPoints: 250)?.description == "2.5%")
        #expect(GrowthRate(basisPoints: 205)?.description == "2.05%")
        // Rounding up each period, exactly, and the limit past 2^63−1.
        #expect(GrowthRate(basisPoints: 1)?.grow(1) == 2)
        #expect(GrowthRate(basisPoints: 200)?.grow(100) == 102)
        #expect(GrowthRate(basisPoints: 100_000)?.grow(Int.max / 10) == nil)
    }

    @Test func sizesPastTheLargestAreALimitNotACrash() throws {
        let text = """
            version: 1
            machines:
              - name: m
                memory: 1Ei
                monitor: 4Mi
                oses:
                  - {name: a, role: active, memory: 8Mi, kernel: 1Mi, standby: s, jobs: [{name: j, memory: 1Pi, hot_standby: true}]}
                  - {name: s, role: standby, memory: 8Mi, kernel: 8Mi}
            """
        let spec = try #require(SpecLoader.load(Array(text.utf8)).0)
        let runway = try RunwayPlanner.answer(spec, RunwayQuestion(growth: try #require(GrowthRate(basisPoints: 100_000)), horizon: 1200)).get()
        let machine = try #require(runway.machines.first)
        #expect(machine.runsOutAfter != nil)
        #expect(machine.memoryForHorizon == nil)
        // A copy of 1 EiB, eleven times larger a period later, passes 2^63−1
        // bytes while its job (1Mi → 11Mi) still starts.
        let copy = """
            version: 1
            policies: {faults: [os]}
            machines:
              - name: big
                memory: 3Ei
                monitor: 1Mi
                oses:
                  - {name: a, role: active, memory: 4Mi, kernel: 1Mi, standby: s, jobs: [{name: j, memory: 1Mi, hot_standby: true, standby_memory: 1Ei}]}
                  - {name: s, role: standby, memory: 1Mi, kernel: 1Mi}
            """
        let big = try #require(SpecLoader.load(Array(copy.utf8)).0)
        let answer = try RunwayPlanner.answer(big, RunwayQuestion(growth: try #require(GrowthRate(basisPoints: 100_000)), horizon: 40)).get()
        #expect(answer.machines.first?.runsOutAfter == 1)
        #expect(answer.machines.first?.limit == .tooLarge)
        #expect(answer.memoryForHorizon == nil)
    }
}

/// A spec with per-job rates, the question, and a small horizon.
struct RunwayInput: Sendable, CustomStringConvertible {
    var spec: Spec
    var question: RunwayQuestion
    var description: String { "\(question) \(spec)" }
}

private func runwayInputs() -> Generator<RunwayInput, Shrink.None<RunwayInput>> {
    Generator { rng in
        var spec = RandomSpec.make(
            RandomSpec.Shape(machines: 1...3, activesPerMachine: 1...2, jobsPerActive: 0...3), using: &rng)
        let rates = [0, 50, 500, 1_000, 2_500, 10_000]
        for m in spec.machines.indices {
            // Less slack than the generator leaves, so machines run out.
            let g = spec.machines[m].granule
            spec.machines[m].memory -= min(Int.random(in: 0...8, using: &rng), slack(spec.machines[m]) / g) * g
            for o in spec.machines[m].oses.indices {
                for j in spec.machines[m].oses[o].jobs.indices where Int.random(in: 0..<3, using: &rng) == 0 {
                    spec.machines[m].oses[o].jobs[j].growth = GrowthRate(basisPoints: rates.randomElement(using: &rng) ?? 0)
                }
            }
        }
        let growth = GrowthRate(basisPoints: rates.randomElement(using: &rng) ?? 0) ?? .init(basisPoints: 0)!
        return RunwayInput(spec: spec, question: RunwayQuestion(growth: growth, horizon: Int.random(in: 1...5, using: &rng)))
    }
}

/// What start-up leaves in the pool above the reserve, at the most.
private func slack(_ machine: Machine) -> Int {
    var pool = machine.memory - machine.oses.reduce(machine.monitor) { $0 + $1.memory }
    for os in machine.oses {
        var free = os.memory - os.kernel
        for job in os.jobs {
            if free < job.memory {
                pool -= job.memory - free
                free = 0
            } else {
                free -= job.memory
            }
        }
    }
    return max(0, pool - machine.reserve)
}

/// The spec grown to `period` as docs/runway.md states it, restated here on
/// plain integers: each size × (10000 + basis points) / 10000 per period,
/// rounded up to a byte, then to the machine's granule. `nil` past 2^62.
func grown(_ spec: Spec, _ question: RunwayQuestion, period: Int) -> Spec? {
    var spec = spec
    for m in spec.machines.indices {
        let g = spec.machines[m].granule
        for o in spec.machines[m].oses.indices {
            for j in spec.machines[m].oses[o].jobs.indices {
                let job = spec.machines[m].oses[o].jobs[j]
                let points = (job.growth ?? question.growth).basisPoints
                var (memory, copy) = (job.memory, job.standbyMemory)
                for _ in 0..<period {
                    guard memory < 1 << 40, copy < 1 << 40 else { return nil }
                    memory = (memory * (10_000 + points) + 9_999) / 10_000
                    copy = (copy * (10_000 + points) + 9_999) / 10_000
                }
                spec.machines[m].oses[o].jobs[j].memory = (memory + g - 1) / g * g
                spec.machines[m].oses[o].jobs[j].standbyMemory = (copy + g - 1) / g * g
            }
        }
    }
    return spec
}

/// One period planned from scratch: per machine the first job that cannot
/// start (with its OS's lack beyond the pool above the reserve), and the plan
/// with every such machine given memory enough for all its jobs.
func reference(_ spec: Spec, _ question: RunwayQuestion, period: Int) -> (blocked: [(String, Int)?], plan: Plan, spec: Spec)? {
    guard var planned = grown(spec, question, period: period) else { return nil }
    var blocked: [(String, Int)?] = []
    for m in planned.machines.indices {
        let machine = planned.machines[m]
        var pool = machine.memory - machine.oses.reduce(machine.monitor) { $0 + $1.memory }
        var found: (String, Int)?
        search: for os in machine.oses {
            var free = os.memory - os.kernel
            for job in os.jobs {
                if free >= job.memory {
                    free -= job.memory
                    continue
                }
                let lack = job.memory - free
                let available = max(0, pool - machine.reserve)
                if available < lack {
                    found = (job.name, lack - available)
                    break search
                }
                pool -= lack
                free = 0
            }
        }
        blocked.append(found)
        if found != nil {
            let jobs = machine.oses.reduce(0) { $0 + $1.jobs.reduce(0) { $0 + $1.memory } }
            planned.machines[m].memory += jobs + machine.reserve
        }
    }
    guard !Validator.validate(planned).hasErrors, let compiled = Compiler.compile(planned).0 else { return nil }
    return (blocked, Planner.plan(compiled), planned)
}

/// Whether machine `m` lasts a period planned from scratch: its jobs start,
/// its pool after start-up holds its reserve, and no case is short on it.
private func lasts(_ m: Int, _ spec: Spec, _ question: RunwayQuestion, period: Int) -> Bool {
    guard let r = reference(spec, question, period: period) else { return false }
    let name = spec.machines[m].name
    return r.blocked[m] == nil && r.plan.machines[m].pool >= spec.machines[m].reserve
        && !r.plan.cases.contains { $0.shortages.contains { $0.machine == name && $0.shortfall > 0 } }
}

private func checkRunway(_ input: RunwayInput, seen: ExercisedFeatures) {
    let (spec, question) = (input.spec, input.question)
    let runway: Runway
    switch RunwayPlanner.answer(spec, question) {
    case .success(let r): runway = r
    case .failure(let error):
        Issue.record("no runway: \(error.diagnostics.all.map(\.message))")
        return
    }
    seen.note("machine fault", spec.policies.faults.contains(.machine))
    seen.note("pool false", !spec.policies.pool)
    seen.note("own growth", spec.machines.contains { $0.oses.contains { $0.jobs.contains { $0.growth != nil } } })
    // The reference: each period planned from scratch, each machine's first
    // failing period and its reason.
    var expected: [(Int, RunwayLimit)?] = Array(repeating: nil, count: spec.machines.count)
    var failing: [Set<Int>] = Array(repeating: [], count: spec.machines.count)
    for t in 0...question.horizon {
        guard let r = reference(spec, question, period: t) else {
            Issue.record("period \(t) does not plan")
            return
        }
        for (m, machine) in spec.machines.enumerated() {
            var limit: RunwayLimit?
            if let (job, short) = r.blocked[m] {
                limit = .start(job: job, shortfall: short)
            } else {
                var worst: (String, Int)?
                for c in r.plan.cases {
                    for s in c.shortages where s.machine == machine.name && s.shortfall > (worst?.1 ?? 0) {
                        worst = (c.id, s.shortfall)
                        seen.note("cross-machine short", c.machine != machine.name)
                    }
                }
                if let (id, short) = worst { limit = .shortCase(id: id, shortfall: short) }
            }
            guard let limit else { continue }
            failing[m].insert(t)
            if expected[m] == nil { expected[m] = (t, limit) }
        }
    }
    for (m, machine) in runway.machines.enumerated() {
        #expect(machine.runsOutAfter == expected[m]?.0, "\(machine.name)")
        #expect(machine.limit == expected[m]?.1, "\(machine.name)")
        seen.note(expected[m]?.1.kind ?? "lasts")
        if let first = expected[m]?.0, first < question.horizon {
            seen.note("later period passes", !failing[m].isSuperset(of: first...question.horizon))
        }
    }
    // The memory for the horizon lasts every period, and one granule less
    // on a machine above today's memory does not.
    let fixed = RunwayPlanner.applied(runway, to: spec)
    for (m, machine) in runway.machines.enumerated() {
        seen.note("standby grown", !machine.standbys.isEmpty)
        guard let memory = machine.memoryForHorizon else {
            Issue.record("\(machine.name): no memory for the horizon")
            continue
        }
        #expect(memory >= spec.machines[m].memory)
        for t in 0...question.horizon {
            #expect(lasts(m, fixed, question, period: t), "\(machine.name) at \(t) with \(memory)")
        }
        if memory > spec.machines[m].memory {
            var less = fixed
            less.machines[m].memory -= spec.machines[m].granule
            #expect(
                (0...question.horizon).contains { !lasts(m, less, question, period: $0) },
                "\(machine.name) lasts with a granule less")
        }
    }
}
