import Foundation
import Testing

@testable import StandbyKit

/// Diagnostics as CI reads them: SARIF 2.1.0 and GitHub workflow commands,
/// whole (goldens), and located exactly where the text form locates them.
@Suite struct FindingTests {
    static var files: [(path: String, diagnostics: Diagnostics)] {
        DiagnosticGoldens.specs.map { ("specs/\($0.name)", DiagnosticGoldens.diagnostics($0.text)) }
    }

    @Test func sarifGolden() throws {
        var out = ""
        FindingRenderer.renderSARIF(Finding.all(Self.files), to: &out)
        try RenderFixtures.Golden.check(out, "diagnostics/all.sarif")
        let doc = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(doc?["version"] as? String == "2.1.0")
    }

    @Test func githubGolden() throws {
        var out = ""
        FindingRenderer.renderGitHub(Finding.all(Self.files), to: &out)
        try RenderFixtures.Golden.check(out, "diagnostics/all.github.txt")
    }

    /// Every located diagnostic has the same file, line, column and code in
    /// the text form, in SARIF and in the workflow commands.
    @Test func locationsAgreeWithTheText() throws {
        var expected: [String] = []
        for (name, text) in DiagnosticGoldens.specs {
            let source = SourceFile(path: "specs/\(name)", bytes: Array(text.utf8))
            var plain = ""
            DiagnosticRenderer.renderText(DiagnosticGoldens.diagnostics(text).sorted, in: source, color: false, to: &plain)
            for match in plain.matches(of: /(?m)^(specs\/[^:]+):(\d+):(\d+): (?:error|warning): .* \[([a-z-]+)\]$/) {
                expected.append("\(match.1):\(match.2):\(match.3):\(match.4)")
            }
        }
        #expect(!expected.isEmpty)

        var sarif = ""
        FindingRenderer.renderSARIF(Finding.all(Self.files), to: &sarif)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let runs = try #require(doc["runs"] as? [[String: Any]])
        var fromSARIF: [String] = []
        for result in try #require(runs.first?["results"] as? [[String: Any]]) {
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = try #require((location["artifactLocation"] as? [String: Any])?["uri"] as? String)
            let region = try #require(location["region"] as? [String: Any])
            fromSARIF.append("\(uri):\(region["startLine"] ?? 0):\(region["startColumn"] ?? 0):\(result["ruleId"] ?? "")")
        }
        #expect(fromSARIF == expected)

        var github = ""
        FindingRenderer.renderGitHub(Finding.all(Self.files), to: &github)
        var fromGitHub: [String] = []
        for line in github.split(separator: "\n") {
            // ::error file=F,line=L,col=C,title=CODE::message
            let match = try #require(line.wholeMatch(of: /::(error|warning) file=([^,:]+),line=(\d+),col=(\d+),title=([^,:]+)::[^\n]*/))
            fromGitHub.append("\(match.2):\(match.3):\(match.4):\(match.5)")
        }
        #expect(fromGitHub == expected)
    }

    /// A message cannot end a workflow command or start another, whatever the spec holds.
    @Test func workflowCommandValuesAreEscaped() {
        let finding = Finding(
            rule: "x", level: .error, message: "a\nb%c\r::error::forged", path: "s,p:c.yaml", location: .start)
        var out = ""
        FindingRenderer.renderGitHub([finding], to: &out)
        #expect(out == "::error file=s%2Cp%3Ac.yaml,line=1,col=1,title=x::a%0Ab%25c%0D::error::forged\n")
        #expect(out.split(separator: "\n").count == 1)
    }
}
