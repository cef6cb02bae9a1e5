import Foundation
import Testing

@testable import StandbyKit

/// How the page looks where the eye must tell things apart: what a case left
/// alone against the pool, and the totals drawn once on a single machine's
/// page.
@Suite struct HTMLLookTests {
    /// The relative luminance of `#rrggbb` (WCAG 2).
    static func luminance(_ hex: String) -> Double? {
        guard hex.count == 7, hex.hasPrefix("#"), let value = Int(hex.dropFirst(), radix: 16) else { return nil }
        func channel(_ c: Int) -> Double {
            let v = Double(c) / 255
            return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(value >> 16 & 0xFF) + 0.7152 * channel(value >> 8 & 0xFF) + 0.0722 * channel(value & 0xFF)
    }

    static func contrast(_ a: String, _ b: String) -> Double {
        guard let la = luminance(a), let lb = luminance(b) else { return 0 }
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /// The colours a pattern draws with (`fill="#…"`, `stroke="#…"`).
    static func colours(ofPattern id: String, in html: String) throws -> [String] {
        let start = try #require(html.range(of: "<pattern id=\"\(id)\""))
        let end = try #require(html[start.upperBound...].range(of: "</pattern>"))
        return html[start.upperBound..<end.lowerBound].matches(of: /(?:fill|stroke)="(#[0-9a-f]{6})"/).map { String($0.1) }
    }

    /// The pool is white; what a case left alone (most of a fleet section's
    /// case bar) is a grey that stands apart from it at a glance, with
    /// stripes that stand apart from that grey, and the legend shows it.
    @Test func leftAloneIsNotDrawnLikeThePool() throws {
        var html = ""
        HTMLStyle.legend(into: &html)
        let pool = try #require(HTMLStyle.css.firstMatch(of: /\.po\{fill:(#[0-9a-f]{3,6})/).map { String($0.1) })
        let poolHex = pool.count == 4 ? "#" + pool.dropFirst().map { "\($0)\($0)" }.joined() : pool
        let leftAlone = try Self.colours(ofPattern: "p-un", in: html)
        #expect(leftAlone.count == 2)
        let (base, stripes) = (leftAlone.first ?? "", leftAlone.last ?? "")
        #expect(Self.contrast(base, poolHex) >= 1.6, "\(base) against the pool's \(poolHex)")
        #expect(Self.contrast(stripes, base) >= 1.6, "\(stripes) on \(base)")
        #expect(html.contains("<path class=\"un\""))
        #expect(html.contains("left alone by the case (grey stripes;"))
    }

    /// One machine: the page's totals are the machine's, drawn once at the
    /// top. A fleet draws the fleet's at the top and each machine's in its
    /// section.
    @Test func totalsAreDrawnOnce() throws {
        let (compiled, plan) = try HTMLReportTests.workedExample()
        let single = HTMLReportTests.render(plan, compiled)
        let values = HTMLReportTests.charts(single).filter { $0.open.contains("class=\"val\"") }
        let totals = values.filter { $0.body.contains("otals</title>") }
        #expect(totals.count == 1)
        #expect(totals.first?.rects.map(\.bytes) == [plan.machines[0].memory, plan.totals.fluidTotal, plan.totals.duplicateTotal, plan.totals.staticTotal])

        let yaml = generatedFleet(machines: 3, short: [1])
        let fleet = try #require(Pipeline.compile(SourceFile(path: "f.yaml", bytes: Array(yaml.utf8))).0)
        var page = ""
        HTMLReport.render(Planner.plan(fleet), compiled: fleet, allMachines: true, to: &page)
        let titles = HTMLReportTests.charts(page).filter { $0.open.contains("class=\"val\"") && $0.body.contains("otals</title>") }
            .compactMap { $0.body.firstMatch(of: /<title>([^<]*)<\/title>/).map { String($0.1) } }
        #expect(titles == ["Fleet totals", "m0: totals", "m1: totals", "m2: totals"])
    }
}
