// Each stage of standby on one generated fleet, measured on its own:
//
//     read ─▶ decode ─▶ validate ─▶ compile ─▶ plan figures ─▶ JSON / text / Markdown / HTML plan
//
// (plus `SpecLoader.load`, decode and validate together, as the tool runs them).
//
// The fleet is `STANDBY_BENCH_FLEET` (a spec file) when set, else
// `gen_fleet.py $STANDBY_BENCH_FLEET_SIZE` (default "100 6 25": 100 machines x
// 6 actives x 25 jobs = 15,000 jobs), written at start to
// $TMPDIR/standby-stages-fleet-100x6x25.yaml (the same file each run).
// STANDBY_BENCH_SECONDS caps each benchmark's run (default 3, at most 25
// iterations); STANDBY_BENCH_INSTRUCTIONS=1 adds the instructions metric.
// Each benchmark's setup makes its stage's input from the stages before it,
// outside the measurement.
//
// Besides the framework's metrics, each benchmark reports `mallocs per job`:
// the malloc calls of one run of the stage over the fleet's job count, read
// from the same interposer counters as mallocCountTotal.

import Benchmark
import Foundation
import MallocInterposerSwift
import StandbyKit

#if canImport(Glibc)
    import Glibc
#endif

/// A sink that keeps only a count of what it is given: writers that build
/// UTF-8 bytes hand them over as they are, as they do to the tool's output.
struct Discard: UTF8OutputStream {
    var bytes = 0
    mutating func write(_ string: String) { bytes &+= string.utf8.count }
    mutating func write(utf8 bytes: UnsafeRawBufferPointer) { self.bytes &+= bytes.count }
}

/// The fleet and every stage's input, made once per process.
final class Fleet: @unchecked Sendable {
    let path: String
    let bytes: [UInt8]
    let spec: Spec
    let compiled: CompiledSpec
    let figures: PlanFigures
    let jobs: Int

    static let shared = Fleet()

    private init() {
        let env = ProcessInfo.processInfo.environment
        if let given = env["STANDBY_BENCH_FLEET"], !given.isEmpty {
            path = given
        } else {
            let size = (env["STANDBY_BENCH_FLEET_SIZE"] ?? "100 6 25").split(separator: " ").map(String.init)
            // benchmarks/stages/Benchmarks/Stages/Stages.swift → benchmarks/gen_fleet.py
            let generator = URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("gen_fleet.py").path
            // One file per size, reused by the next benchmark's process (each
            // benchmark runs in a process of its own): written under a name of
            // this process's, then renamed into place.
            path = NSTemporaryDirectory() + "standby-stages-fleet-\(size.joined(separator: "x")).yaml"
            let writing = path + ".\(getpid())"
            FileManager.default.createFile(atPath: writing, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", generator] + size
            process.standardOutput = FileHandle(forWritingAtPath: writing)
            do { try process.run() } catch { fatalError("cannot run \(generator): \(error)") }
            process.waitUntilExit()
            guard process.terminationStatus == 0, rename(writing, path) == 0 else {
                fatalError("\(generator) \(size.joined(separator: " ")) failed")
            }
        }
        bytes = readFile(path)
        let (loaded, loadDiagnostics) = SpecLoader.load(bytes)
        guard let loaded else { fatalError("the fleet \(path) does not load: \(loadDiagnostics.all.count) problems") }
        spec = loaded
        let (compiledSpec, _) = Compiler.compile(spec)
        guard let compiledSpec else { fatalError("the fleet \(path) does not compile") }
        compiled = compiledSpec
        figures = Planner.figures(compiled)
        jobs = spec.machines.reduce(0) { $0 + $1.oses.reduce(0) { $0 + $1.jobs.count } }
        let line =
            "fleet: \(path), \(bytes.count) bytes, \(spec.machines.count) machines, \(jobs) jobs, "
            + "\(figures.covered ? "covered" : "not covered") under the spec's faults\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// The whole file, read as the tool reads it: open, fstat for the size, read.
func readFile(_ path: String) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { fatalError("cannot open \(path)") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { fatalError("cannot stat \(path)") }
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
    var done = 0
    bytes.withUnsafeMutableBytes { buffer in
        while done < buffer.count {
            let n = read(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
    }
    bytes.removeSubrange(done...)
    return bytes
}

/// `body` measured as one stage: the framework's metrics, and the malloc calls
/// it made per job of the fleet, as the custom metric.
func stage(_ name: String, _ body: @escaping (Fleet) -> Void) {
    Benchmark(name) { benchmark, fleet in
        for _ in benchmark.scaledIterations {
            let before = MallocInterposerSwift.getStatistics().mallocCount
            body(fleet)
            let after = MallocInterposerSwift.getStatistics().mallocCount
            // Hundredths, so that stages below one malloc per job still show.
            benchmark.measurement(perJob, (after - before) * 100 / fleet.jobs)
        }
    } setup: {
        Fleet.shared
    }
}

let perJob = BenchmarkMetric.custom("mallocs per 100 jobs", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    let env = ProcessInfo.processInfo.environment
    // perf_event instruction counts are taken only when asked for
    // (STANDBY_BENCH_INSTRUCTIONS=1): many VMs have no such counter.
    var metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, perJob]
    if env["STANDBY_BENCH_INSTRUCTIONS"] == "1" { metrics.insert(.instructions, at: 0) }
    Benchmark.defaultConfiguration = .init(
        metrics: metrics,
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(Int(env["STANDBY_BENCH_SECONDS"] ?? "") ?? 3),
        maxIterations: 25
    )

    stage("1 read (bytes)") { fleet in
        blackHole(readFile(fleet.path).count)
    }
    stage("2 decode (SpecDecoder.decode)") { fleet in
        blackHole(SpecDecoder.decode(fleet.bytes).0 != nil)
    }
    stage("2b load (SpecLoader.load: decode + validate)") { fleet in
        blackHole(SpecLoader.load(fleet.bytes).0 != nil)
    }
    stage("3 validate (Validator.validate)") { fleet in
        blackHole(Validator.validate(fleet.spec).hasErrors)
    }
    stage("4 compile (Compiler.compile)") { fleet in
        blackHole(Compiler.compile(fleet.spec).0 != nil)
    }
    stage("5 plan figures (Planner.figures)") { fleet in
        blackHole(Planner.figures(fleet.compiled).covered)
    }
    for (label, format) in [("6 JSON plan", OutputFormat.json), ("7 text plan", .text), ("8 Markdown plan", .markdown), ("9 HTML plan", .html)] {
        stage("\(label) (PlanRenderer.render)") { fleet in
            var out = Discard()
            PlanRenderer.render(fleet.figures, compiled: fleet.compiled, format: format, unit: .auto, to: &out)
            blackHole(out.bytes)
        }
    }
}
