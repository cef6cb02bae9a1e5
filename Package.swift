// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "standby",
    products: [
        .executable(name: "standby", targets: ["standby"]),
        .library(name: "StandbyKit", targets: ["StandbyKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // FilePath, FileDescriptor, Errno: the library's and the command line's file I/O.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // `swift package generate-documentation --target StandbyKit`: the DocC catalog
        // in Sources/StandbyKit/StandbyKit.docc and every public declaration's comment.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Debian's libyaml, found through pkg-config.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // The only code that touches libyaml: a pull reader of located YAML events.
        // It knows nothing of specs.
        .target(name: "YAMLReader", dependencies: ["CYAML"]),
        // The engine: spec model, decoding, validation, compiling, planning, rendering.
        // No terminal code, no exit calls.
        .target(
            name: "StandbyKit",
            dependencies: ["YAMLReader", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The command line: argument parsing, files, colours, exit status.
        .executableTarget(
            name: "standby",
            dependencies: [
                "StandbyKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(name: "YAMLReaderTests", dependencies: ["YAMLReader"]),
        .testTarget(
            name: "StandbyKitTests",
            dependencies: [
                "StandbyKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "standbyTests", dependencies: ["standby"]),
        // The README's "Using StandbyKit" program, built with the package so it
        // always compiles; LibraryUseTests runs it and checks that the README
        // shows this file as it is.
        .executableTarget(name: "library-example", dependencies: ["StandbyKit"], path: "examples/library"),
        // A library user's view: `import StandbyKit` alone, no @testable.
        .testTarget(name: "LibraryUseTests", dependencies: ["StandbyKit", "library-example"]),
    ]
)
