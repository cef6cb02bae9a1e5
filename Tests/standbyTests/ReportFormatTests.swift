import StandbyKit
import Testing

@testable import standby

/// A command's report formats are named as the library names them, which is
/// how ``ReportFormat/outputFormat`` finds the report each writes; the
/// findings formats stand for JSON.
@Suite struct ReportFormatNames {
    /// Each case's report: the library's format of that name, or JSON for a
    /// findings format.
    static func reports<Format: ReportFormat>(_: Format.Type, findings: Set<String> = []) -> [String: OutputFormat?] {
        Dictionary(
            uniqueKeysWithValues: Format.allCases.map { f in
                (f.rawValue, findings.contains(f.rawValue) ? .json : OutputFormat(rawValue: f.rawValue))
            })
    }

    /// What `outputFormat` says of each case.
    static func written<Format: ReportFormat>(_: Format.Type) -> [String: OutputFormat?] {
        Dictionary(uniqueKeysWithValues: Format.allCases.map { ($0.rawValue, $0.outputFormat) })
    }

    @Test func everyReportFormatNamesTheLibrarysFormat() {
        #expect(Self.written(CompileFormat.self) == Self.reports(CompileFormat.self))
        #expect(Self.written(BasicFormat.self) == Self.reports(BasicFormat.self))
        #expect(Self.written(RunwayFormat.self) == Self.reports(RunwayFormat.self))
        #expect(Self.written(PlanFormat.self) == Self.reports(PlanFormat.self, findings: ["sarif", "github"]))
        #expect(Self.written(DiffFormat.self) == Self.reports(DiffFormat.self, findings: ["sarif", "github"]))
    }

    @Test func onlySARIFAndGitHubAreFindings() {
        #expect(PlanFormat.allCases.filter(\.isFindings) == [.sarif, .github])
        #expect(DiffFormat.allCases.filter(\.isFindings) == [.sarif, .github])
    }
}
