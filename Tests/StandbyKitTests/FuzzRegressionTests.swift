import Foundation
import Testing

@testable import StandbyKit

/// Every input that ever broke the pipeline (found by `scripts/fuzz` or by
/// hand) lives in `Fixtures/fuzz-regressions/` and runs here through the whole
/// pipeline, bytes to every renderer, exactly as the fuzzer runs it.
@Suite struct FuzzRegressions {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-regressions")

    static let inputs: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }()

    @Test func corpusIsThere() {
        #expect(!Self.inputs.isEmpty)
    }

    @Test(arguments: inputs)
    func replay(_ name: String) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        // Every input gets at least its diagnostics document.
        #expect(Self.runPipeline(Array(data)) > 0)
    }

    /// The whole pipeline, as the fuzzer runs it; returns how many bytes the
    /// renderers wrote.
    static func runPipeline(_ bytes: [UInt8]) -> Int {
        var out = ""
        Pipeline.runEverything(bytes, to: &out)
        return out.utf8.count
    }

    @Test func bothReaderRegressionsDecode() {
        // The anchored mapping with an inline merge is valid YAML: it must reach the
        // decoder (an error about the spec's shape), not fail in the reader.
        let data = FileManager.default.contents(
            atPath: Self.folder.appendingPathComponent("anchored-inline-merge.yaml").path) ?? Data()
        let (_, diagnostics) = SpecDecoder.decode(Array(data))
        #expect(!diagnostics.all.contains { $0.code == "complex-key" })
        let bom = FileManager.default.contents(
            atPath: Self.folder.appendingPathComponent("bom-then-invalid-utf8.yaml").path) ?? Data()
        let (_, bomDiagnostics) = SpecDecoder.decode(Array(bom))
        #expect(bomDiagnostics.all.first?.location == SourceLocation(line: 1, column: 4))
    }
}
