import PropertyBased
import Testing

@testable import StandbyKit

/// `--unit auto` over sizes read together: one unit, values kept apart.
@Suite struct SizeScaleTests {
    private let mi = 1 << 20
    private let gi = 1 << 30
    private let ti = 1 << 40

    private func shown(_ values: [Int]) -> [String] {
        let scale = Size.scale(for: values, unit: .auto)
        return values.map(scale.format)
    }

    @Test func exactValuesShowWithTheFewestDecimals() {
        // The worked example's totals: all whole MiB; nothing is 0, without a unit.
        #expect(shown([384 * mi, 416 * mi, 32 * mi, 0]) == ["384 MiB", "416 MiB", "32 MiB", "0"])
        #expect(shown([3 * gi / 2, gi]) == ["1.5 GiB", "1.0 GiB"])
        #expect(shown([0]) == ["0"])
        #expect(shown([]) == [])
        #expect(shown([1000]) == ["1000 B"])
    }

    @Test func aFigureReadsWithOneDecimalAtMost() {
        // 1.25 GiB beside 2 GiB: three significant digits would need two decimals.
        #expect(shown([gi + gi / 4, 2 * gi]) == ["1.3 GiB", "2.0 GiB"])
        // A machine of 27008 MiB with its figures: 26.375 GiB reads as 26.4 GiB.
        #expect(shown([27008 * mi, 4 * gi]) == ["26.4 GiB", "4.0 GiB"])
        // The 200-machine fleet's fluid total, 3512.5 GiB, reads in TiB as the plan says it.
        #expect(shown([3_596_800 * mi, 4 * ti]) == ["3.4 TiB", "4.0 TiB"])
    }

    @Test func theLargestValueChoosesTheUnit() {
        // The report that mixed "fluid total 17984 MiB" with "duplicate total 20.5 GiB".
        #expect(shown([17984 * mi, 20992 * mi]) == ["17.6 GiB", "20.5 GiB"])
        // "memory 5374276 MiB" beside "fluid 3606.25 GiB".
        #expect(shown([5_374_276 * mi, 3_692_800 * mi]) == ["5.1 TiB", "3.5 TiB"])
        #expect(shown([2 * ti, 512 * gi]) == ["2.0 TiB", "0.5 TiB"])
    }

    @Test func differentValuesStayDifferentAndNothingButZeroLooksLikeZero() {
        // 1 MiB in a GiB column would need three decimals: the column is in MiB.
        #expect(shown([gi, mi, 0]) == ["1024 MiB", "1 MiB", "0"])
        // Too close for a decimal of a TiB or a GiB: the column moves to MiB.
        #expect(shown([ti, ti + mi]) == ["1048576 MiB", "1048577 MiB"])
        // 8 GiB taken out of 3.4 TiB: the change shows in GiB.
        #expect(shown([3_596_800 * mi, 3_596_800 * mi - 8 * gi]) == ["3512.5 GiB", "3504.5 GiB"])
        // One byte apart: bytes.
        #expect(shown([gi, gi + 1]) == ["1073741824 B", "1073741825 B"])
        #expect(shown([1 << 50, 1 << 50 + 1]).allSatisfy { $0.hasSuffix(" B") })
    }

    @Test func negativeValuesShareTheScale() {
        #expect(shown([-32 * mi, 416 * mi]) == ["-32 MiB", "416 MiB"])
        // The extremes are one byte apart in magnitude.
        #expect(shown([Int.min, Int.max]) == ["-9223372036854775808 B", "9223372036854775807 B"])
        #expect(shown([Int.min, 0]) == ["-8388608 TiB", "0"])
    }

    @Test func aFixedUnitFormatsEachValueAsBefore() {
        let scale = Size.scale(for: [gi, mi], unit: .MiB)
        #expect(scale.format(gi) == Size.format(gi, unit: .MiB))
        #expect(scale.format(mi / 3) == "~0.3 MiB")
        #expect(scale.format(0) == "0")
    }

    /// One change's values in one exact unit, one decimal at most: the fix's
    /// `1024 MiB → 704 MiB` and `1.0 GiB → 0.5 GiB` read as one.
    @Test func anExactScaleKeepsOneUnitForAWholeChange() {
        let scale = Size.exactScale(for: [1024 * mi, 704 * mi, gi, 512 * mi])
        #expect([1024 * mi, 704 * mi, gi, 512 * mi].map(scale.format) == ["1024 MiB", "704 MiB", "1024 MiB", "512 MiB"])
        #expect(Size.exactScale(for: [gi, 3 * gi / 2]).format(gi) == "1.0 GiB")
        #expect(Size.exactScale(for: [gi, gi + gi / 4]).format(gi + gi / 4) == "1280 MiB")
    }

    /// Random groups: one unit per group, distinct values distinct, nonzero
    /// never zero, and each shown value within half a step of the exact one.
    @Test func randomGroupsNeverMixUnitsAndKeepValuesApart() async {
        await propertyCheck(count: 2000, input: Generator { rng in randomGroup(using: &rng) }) { values in
            let scale = Size.scale(for: values, unit: .auto)
            let texts = values.map(scale.format)
            let suffixes = Set(zip(values, texts).filter { $0.0 != 0 }.map { $0.1.split(separator: " ").last.map(String.init) ?? "" })
            #expect(suffixes.count <= 1, "\(texts)")
            for (a, ta) in zip(values, texts) {
                if a == 0 { #expect(ta == "0") }
                if a != 0 { #expect(!["0", "0.0"].contains(ta.split(separator: " ")[0]), "\(a): \(ta)") }
                // One decimal at most.
                let number = String(ta.split(separator: " ")[0])
                let decimals = number.firstIndex(of: ".").map { number.distance(from: $0, to: number.endIndex) - 1 } ?? 0
                #expect(decimals <= 1, "\(ta)")
                for (b, tb) in zip(values, texts) where a != b { #expect(ta != tb, "\(a) \(b): \(ta)") }
                // Shown value × unit is within half of the last decimal's step of the bytes.
                let parts = ta.split(separator: " ")
                if let number = Double(parts[0]) {
                    let step = Double(scale.unit.bytes) / pow10(scale.decimals)
                    #expect(abs(number * Double(scale.unit.bytes) - Double(a)) <= step / 2 + 1e-6 * Double(scale.unit.bytes), "\(a): \(ta)")
                }
            }
        }
    }

    private func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 10 } }
}

/// 1 to 12 sizes of mixed magnitudes, some of them fractions of a unit.
private func randomGroup<R: RandomNumberGenerator>(using rng: inout R) -> [Int] {
    let units = [1, 1 << 10, 1 << 20, 1 << 30, 1 << 40]
    return (0..<Int.random(in: 1...12, using: &rng)).map { _ in
        let unit = units.randomElement(using: &rng) ?? 1
        return Int.random(in: 0...4096, using: &rng) * unit / Int.random(in: 1...8, using: &rng)
    }
}
