// swift-tools-version: 6.1
// Stage benchmarks of StandbyKit, in a package of their own so that the tool's
// build and `swift test` never fetch or build the benchmark framework.
//
//     swift package --package-path benchmarks/stages benchmark
//
// See benchmarks/RESULTS.md for what it measures and what a run gave.
import PackageDescription

let package = Package(
    name: "standby-stage-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "standby", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        // Read directly for the per-job malloc count (the same counters the
        // framework's mallocCountTotal is taken from).
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
    ],
    targets: [
        .executableTarget(
            name: "Stages",
            dependencies: [
                .product(name: "StandbyKit", package: "standby"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ],
            path: "Benchmarks/Stages",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
