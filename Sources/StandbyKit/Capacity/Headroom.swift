// `standby headroom`: how many more jobs of one shape each active OS can
// take while every job still starts and every case stays covered
// (docs/headroom.md states the question, every decision and why the answer
// is exact).

/// The shape of the jobs added: what each new job needs, whether it is
/// hot-standby, and what its copy needs.
public struct NewJob: Sendable, Hashable {
    /// Each job's memory in bytes, before rounding to a machine's granule (above 0).
    public var memory: Int
    /// Whether each new job is hot-standby: it fails over to its OS's standby,
    /// so its copy must find memory there in every case that moves it.
    public var hotStandby: Bool
    /// What a hot-standby job's copy needs, before rounding (default: ``memory``).
    public var standbyMemory: Int

    /// The shape `memory` (bytes, above 0), ordinary unless `hotStandby`,
    /// its copy needing `standbyMemory` (default: `memory`).
    public init(memory: Int, hotStandby: Bool = false, standbyMemory: Int? = nil) {
        self.memory = memory
        self.hotStandby = hotStandby
        self.standbyMemory = standbyMemory ?? memory
    }
}

/// Why one more job of the shape does not fit on an OS.
public enum HeadroomLimit: Sendable, Hashable {
    /// A job cannot start: the new one (`+n`) on the OS itself, or a job of a
    /// later OS of the machine that now finds less pool above the reserve.
    /// `needed`: what its OS must ask the pool for; `available`: what the pool
    /// above the reserve can give (as the compiler's `job-cannot-start` says).
    case start(machine: String, os: String, job: String, needed: Int, available: Int)
    /// A case is not covered: one covered today (`newCase` false), or one a new
    /// job brings or needs (`newCase` true); `coveredToday` says whether it is
    /// covered without the new jobs (`nil`: a new job's own `job` case, which
    /// does not exist without them). `shortOn`: the first machine whose
    /// pool is short (`nil` when nothing is short); `shortfall`: the case's
    /// shortfall in bytes; `unrecoverable`: a job no memory brings back in
    /// it, and why — the first new job when one is (it is what the count
    /// stops at), else the first job (names relative to the case's machine).
    case uncovered(
        id: String, newCase: Bool, coveredToday: Bool?, shortOn: String?, shortfall: Int,
        unrecoverable: UnrecoverableJob?)
    /// `--max` jobs fit; more were not tried.
    case max
    /// Hot-standby jobs were asked for and the OS names no standby.
    case noStandby
    /// The copies of the machine's hot-standby jobs would need more than
    /// 2^63−1 bytes together: the planner's arithmetic bound.
    case tooLarge

    /// A new hot-standby job's copy is lost with its machine: the limit is
    /// the machine's `machine` case and the new job cannot be brought back
    /// because its standby runs on that machine and stops with it.
    public var copyLostWithMachine: Bool {
        guard case .uncovered(let id, true, _, _, _, let lost?) = self, id.hasSuffix("/machine"),
            Headroom.isNewJob(lost.job), case .standbyDown = lost.reason
        else { return false }
        return true
    }

    /// The reason's name in the JSON output.
    public var reason: String {
        switch self {
        case .start: "start"
        case .uncovered: "case"
        case .max: "max"
        case .noStandby: "no-standby"
        case .tooLarge: "too-large"
        }
    }
}

/// The answer for one active OS.
public struct OSHeadroom: Sendable, Hashable {
    /// The OS's machine.
    public var machine: String
    /// The active OS the jobs are added to.
    public var os: String
    /// How many more jobs of the shape fit, added one by one after its jobs.
    public var fits: Int
    /// Why the next one does not.
    public var limit: HeadroomLimit
    /// The cases not covered today that the `fits` new jobs leave shorter
    /// (they do not stop the count), the most worsened first, at most
    /// ``Headroom/worseListed``; ``worseCount`` says how many there are.
    public var worse: [WorseCase] = []
    /// How many cases not covered today the `fits` new jobs leave shorter,
    /// listed or not.
    public var worseCount = 0
}

/// A case not covered today that the new jobs leave shorter.
public struct WorseCase: Sendable, Hashable {
    /// Its id, as the plan names it.
    public var id: String
    /// Its shortfall today, in bytes.
    public var shortfallToday: Int
    /// Its shortfall with the new jobs, in bytes: more than ``shortfallToday``.
    public var shortfall: Int
}

/// Why an OS takes no job of the shape, in the words of the summary.
public enum HeadroomBlock: String, Sendable, Hashable, CaseIterable {
    /// The new job itself cannot start (its OS's free memory and the pool
    /// above the reserve are too small).
    case start
    /// A job of a later OS on its machine would no longer start.
    case laterStart = "later-start"
    /// A new job's copy would be lost with its machine: its standby runs on
    /// the same machine and `machine` faults are planned.
    case copyLost = "copy-lost"
    /// A new job's own case would not be covered.
    case newCase = "new-case"
    /// A new job's own case is not covered today either.
    case newCaseToday = "new-case-not-covered-today"
    /// A case covered today would not be.
    case coveredCase = "covered-case"
    /// The OS names no standby for hot-standby jobs.
    case noStandby = "no-standby"
    /// The copies would pass 2^63−1 bytes.
    case tooLarge = "too-large"
    /// `--max` is 0.
    case max

    /// Why `limit` stops an OS with room for nothing.
    public init(_ limit: HeadroomLimit) {
        switch limit {
        case .start(_, _, let job, _, _): self = Headroom.isNewJob(job) ? .start : .laterStart
        case .uncovered(_, let newCase, let today, _, _, _):
            if limit.copyLostWithMachine {
                self = .copyLost
            } else if !newCase {
                self = .coveredCase
            } else {
                self = today == false ? .newCaseToday : .newCase
            }
        case .max: self = .max
        case .noStandby: self = .noStandby
        case .tooLarge: self = .tooLarge
        }
    }
}

/// The fleet's answer at a glance: the totals, and the OSes that take nothing
/// more grouped by why.
public struct HeadroomSummary: Sendable, Hashable {
    /// The active OSes checked.
    public var oses = 0
    /// Σ fits, each OS considered alone.
    public var totalFits = 0
    /// OSes that take at least one more job.
    public var withRoom = 0
    /// OSes of ``withRoom`` that took the most tried (`--max`): more were not
    /// tried, so they may take more.
    public var atMax = 0
    /// OSes that take none, per reason, most OSes first (then in
    /// ``HeadroomBlock`` order).
    public var blocked: [Blocked] = []
    /// Cases not covered today that the new jobs leave shorter, summed over
    /// the OSes (a case counts once per OS it is worse for), and the OSes.
    public var worseCases = 0
    /// The OSes for which some case not covered today gets shorter.
    public var worseOSes = 0

    /// OSes that take no job of the shape.
    public var withoutRoom: Int { oses - withRoom }

    /// The OSes that take nothing more for one reason: how many, and the
    /// first of them in document order (`machine/os`, at most
    /// ``Headroom/namesListed``).
    public struct Blocked: Sendable, Hashable {
        /// The reason.
        public var block: HeadroomBlock
        /// How many OSes take nothing for it.
        public var count: Int
        /// The first of them, `machine/os`, at most ``Headroom/namesListed``.
        public var first: [String]
    }

    /// The summary of the answers `oses` (one per active OS, in document order).
    public init(_ oses: [OSHeadroom]) {
        var blocked: [HeadroomBlock: Blocked] = [:]
        for os in oses {
            self.oses += 1
            totalFits += os.fits
            if os.worseCount > 0 {
                worseCases += os.worseCount
                worseOSes += 1
            }
            if os.fits > 0 {
                withRoom += 1
                if os.limit == .max { atMax += 1 }
                continue
            }
            let block = HeadroomBlock(os.limit)
            var entry = blocked[block] ?? Blocked(block: block, count: 0, first: [])
            entry.count += 1
            if entry.first.count < Headroom.namesListed { entry.first.append("\(os.machine)/\(os.os)") }
            blocked[block] = entry
        }
        let order = HeadroomBlock.allCases
        self.blocked = blocked.values.sorted { a, b in
            a.count != b.count
                ? a.count > b.count : (order.firstIndex(of: a.block) ?? 0) < (order.firstIndex(of: b.block) ?? 0)
        }
    }
}

/// How much a headroom report shows after its summary (text and Markdown).
public enum HeadroomDetail: String, CaseIterable, Sendable {
    /// The totals, the OSes with no room grouped by why, the cases the new
    /// jobs leave shorter, counted.
    case summary
    /// Also one line per active OS.
    case oses

    /// What a report shows when not told, as `plan` does: everything for one
    /// machine, the summary alone for a fleet.
    public static func automatic(machines: Int) -> HeadroomDetail { machines <= 1 ? .oses : .summary }
}

/// The answer for every active OS, in document order.
public struct HeadroomReport: Sendable, Hashable {
    /// The shape of the jobs added (a size below one byte raised to one).
    public var job: NewJob
    /// The most jobs tried per OS (`--max`).
    public var max: Int
    /// The fault kinds whose cases must stay covered.
    public var faults: [FaultKind]
    /// The answer for each active OS, in document order.
    public var oses: [OSHeadroom]

    /// Σ fits, each OS considered alone: the OSes of one machine share its
    /// pool, so this is no placement of that many jobs at once.
    public var totalFits: Int { oses.reduce(0) { $0 + $1.fits } }

    /// The totals and the OSes that take nothing more, by why.
    public var summary: HeadroomSummary { HeadroomSummary(oses) }
}

/// How many more jobs of one shape each active OS can take (docs/headroom.md).
public enum Headroom {
    /// The default `--max`: see docs/headroom.md, "How many are tried".
    public static let defaultMax = 100
    /// The largest `--max` the command accepts. Each count costs O(jobs of the
    /// OS), so a spec costs at most this many times its size: under a minute
    /// for a 1.3 MB spec of 8,000 actives that each have room for all of them
    /// (README, "Limits").
    public static let maxAllowedMax = 1_000
    /// The most worsened cases listed per OS (``OSHeadroom/worse``): the
    /// output stays one bounded entry per OS.
    public static let worseListed = 10
    /// The OSes named per reason in the summary.
    public static let namesListed = 5

    /// For each active OS X in document order, the largest n ≤ `max` such
    /// that adding 1, 2, …, n jobs of the shape `job` to X's job list each
    /// keeps every job starting, every case of `faults` (the spec's
    /// `policies.faults` when `nil`) covered today covered, and the new jobs'
    /// own cases covered; and why job n + 1 does not fit.
    public static func check(_ compiled: CompiledSpec, job: NewJob, max: Int, faults: [FaultKind]? = nil)
        -> HeadroomReport
    {
        counted(compiled, job: job, max: max, faults: faults).report
    }

    /// ``check(_:job:max:faults:)`` with the steps its searches took (cases
    /// looked at, and jobs the simulations of X's own cases walk), which the
    /// tests bound.
    static func counted(_ compiled: CompiledSpec, job: NewJob, max: Int, faults: [FaultKind]? = nil)
        -> (report: HeadroomReport, work: Int)
    {
        let kinds = Array(Set(faults ?? compiled.spec.policies.faults)).sorted()
        // A shape the command line cannot give (it refuses such sizes): a job
        // takes at least a byte, a copy at least nothing.
        let job = NewJob(
            memory: Swift.max(1, job.memory), hotStandby: job.hotStandby, standbyMemory: Swift.max(0, job.standbyMemory))
        let index = HeadroomIndex(compiled, kinds: kinds)
        // Machine by machine, on every core, joined in document order.
        let runs = runs(of: compiled.machines.count, threads: parallelThreads(for: compiled.spec))
        let oses: [([OSHeadroom], Int)] = parallel(runs.count) { t in
            var oses: [OSHeadroom] = []
            var work = 0
            for m in runs[t] {
                let machine = compiled.machines[m]
                // One set of states for every OS of the machine, each search leaving it as found.
                var scratch = HeadroomSearch.Scratch(index.locals[m])
                for (o, os) in machine.machine.oses.enumerated() where os.role == .active {
                    var search = HeadroomSearch(index: index, os: OSAddress(machine: m, os: o), job: job)
                    let (fits, limit, worse) = search.run(max: Swift.max(0, max), scratch: &scratch)
                    oses.append(
                        OSHeadroom(
                            machine: machine.name, os: os.name, fits: fits, limit: limit, worse: worse.listed,
                            worseCount: worse.count))
                    work += search.work
                }
            }
            return (oses, work)
        }
        let report = HeadroomReport(job: job, max: Swift.max(0, max), faults: kinds, oses: oses.flatMap(\.0))
        return (report, oses.reduce(0) { $0 + $1.1 })
    }

    /// The name the n-th new job gets in case ids and limits: `+n`, which no
    /// job of a spec can be called (names start with a letter or digit).
    public static func newJobName(_ n: Int) -> String { "+\(n)" }

    /// Whether a job name is a new job's (`+n`).
    public static func isNewJob(_ name: String) -> Bool { name.hasPrefix("+") }
}
