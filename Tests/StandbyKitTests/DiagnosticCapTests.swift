import Testing

@testable import StandbyKit

/// The machine-readable diagnostics cap a value echoed in a message as the
/// text does (``DiagnosticRenderer/maxMessageWidth``), so that a long scalar
/// read again through aliases does not repeat in full in every message.
@Suite struct DiagnosticCapTests {
    /// A spec whose one long scalar (`length` characters) is read, through an
    /// alias, as the name of `uses` machines: each is a diagnostic quoting it.
    static func spec(length: Int, uses: Int) -> [UInt8] {
        var text = "version: 1\nx-long: &long \"" + String(repeating: "n", count: length) + "\"\nmachines:\n"
        for _ in 0..<uses { text += "  - {name: *long, memory: 1Gi, monitor: 64Mi, oses: []}\n" }
        return Array(text.utf8)
    }

    @Test func everyFormatCapsEachMessageAndNote() throws {
        let bytes = Self.spec(length: 20_000, uses: 50)
        let diagnostics = Pipeline.compile(SourceFile(path: "long.yaml", bytes: bytes)).1
        let quoting = diagnostics.all.filter { $0.message.count > 10_000 }
        // The diagnostics do quote the long value (else the test proves nothing)…
        #expect(quoting.count >= 50)
        let width = DiagnosticRenderer.maxMessageWidth
        var json = ""
        DiagnosticRenderer.renderJSON([("long.yaml", diagnostics)], to: &json)
        var sarif = ""
        FindingRenderer.renderSARIF(Finding.all([("long.yaml", diagnostics)]), to: &sarif)
        var github = ""
        FindingRenderer.renderGitHub(Finding.all([("long.yaml", diagnostics)]), to: &github)
        // …and no format repeats it: at most a message's width, a few notes and the frame per diagnostic.
        let bound = diagnostics.all.count * (4 * width + 2_000) + 4_000
        for (name, output) in [("json", json), ("sarif", sarif), ("github", github)] {
            #expect(output.utf8.count <= bound, "\(name): \(output.utf8.count) bytes for \(diagnostics.all.count) diagnostics")
            #expect(!output.contains(String(repeating: "n", count: width + 1)), "\(name)")
            #expect(output.contains("…"), "\(name)")
        }
    }

    @Test func theCapCountsCharactersAndKeepsShortMessages() {
        #expect(TerminalText.capped("short 'x'") == "short 'x'")
        let long = String(repeating: "é", count: DiagnosticRenderer.maxMessageWidth + 10)
        let capped = TerminalText.capped(long)
        #expect(capped.unicodeScalars.count == DiagnosticRenderer.maxMessageWidth + 1)
        #expect(capped.hasSuffix("…"))
        // Exactly at the width: kept whole.
        let exact = String(repeating: "a", count: DiagnosticRenderer.maxMessageWidth)
        #expect(TerminalText.capped(exact) == exact)
    }
}
