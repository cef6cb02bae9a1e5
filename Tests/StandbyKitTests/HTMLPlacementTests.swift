import Foundation
import Testing

@testable import StandbyKit

/// The page's placement section: a small fleet's page works out the standbys
/// that need the least memory, as `standby place` does; a larger one names
/// the command; a machine with one standby for one active has nothing to
/// choose.
@Suite struct HTMLPlacementTests {
    static func spec(_ name: String) throws -> Spec {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/\(name)")
        let (spec, diagnostics) = SpecLoader.load(Array(try Data(contentsOf: url)))
        #expect(!diagnostics.hasErrors)
        return try #require(spec)
    }

    static func page(_ spec: Spec) throws -> String {
        let compiled = try #require(Compiler.compile(spec).0)
        var html = ""
        PlanRenderer.render(
            Planner.figures(compiled), compiled: compiled, format: .html, unit: .auto, fix: nil, detail: nil,
            path: nil, tolerance: nil, to: &html)
        return html
    }

    /// The section of `html` from its heading to the end of the header.
    static func section(_ html: String) -> Substring? {
        guard let start = html.range(of: "<h2>Standby placement</h2>"),
            let end = html[start.upperBound...].range(of: "</header>")
        else { return nil }
        return html[start.lowerBound..<end.lowerBound]
    }

    @Test func theWorkedPlacementIsOnThePage() throws {
        let spec = try Self.spec("placement.yaml")
        let html = try Self.page(spec)
        let section = try #require(Self.section(html))
        guard case .success(let placed) = Placement.place(spec, timeLimit: HTMLPage.workBudget) else {
            Issue.record("no placement")
            return
        }
        // The page says what the command says: the figures, the proof and
        // every change, each with its line.
        #expect(placed.status == .optimal)
        #expect(!placed.changes.isEmpty)
        for line in PlacementRenderer.summary(placed, unit: .auto) {
            #expect(section.contains(HTMLReport.escape(line)), "\(line)")
        }
        for c in placed.changes {
            #expect(section.contains("<td>\(HTMLReport.escape(c.target))</td><td>\(HTMLReport.escape(c.from))</td>"))
            #expect(section.contains("<td>\(c.location.line)</td>"))
        }
        #expect(section.contains("standby place SPEC --in-place"))
        // The same bytes every time: the search stops by its work, not a clock.
        #expect(try Self.page(spec) == html)
    }

    @Test func oneStandbyForOneActiveHasNothingToChoose() throws {
        let html = try Self.page(try Self.spec("patent-fig4.yaml"))
        #expect(Self.section(html) == nil)
    }

    @Test func aLargerFleetNamesTheCommand() throws {
        // Two machines of 13 actives each: more than the page places itself.
        var machines: [Machine] = []
        for m in 0..<2 {
            var oses = (0..<13).map { a in
                OS(
                    name: "a\(a)", role: .active, memory: 64 << 20, kernel: 32 << 20, standby: OSReference(os: "sb"),
                    jobs: [Job(name: "j", memory: 16 << 20, hotStandby: true)])
            }
            oses.append(OS(name: "sb", role: .standby, memory: 64 << 20, kernel: 32 << 20))
            machines.append(Machine(name: "m\(m)", memory: 8 << 30, monitor: 64 << 20, oses: oses))
        }
        let spec = Spec(machines: machines)
        #expect(spec.machines.flatMap(\.oses).filter { $0.role == .active }.count > HTMLPage.maxActives)
        let section = try #require(Self.section(try Self.page(spec)))
        #expect(section.contains("<code>standby place SPEC</code> works it out (26 active OSes"))
        #expect(!section.contains("<table"))
    }
}
