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
        // The worked example's totals: all whole MiB.
        #expect(shown([384 * mi, 416 * mi, 32 * mi, 0]) == ["384 MiB", "416 MiB", "32 MiB", "0 MiB"])
        #expect(shown([3 * gi / 2, gi]) == ["1.5 GiB", "1.0 GiB"])
        #expect(shown([gi + gi / 4, 2 * gi]) == ["1.25 GiB", "2.00 GiB"])
        #expect(shown([0]) == ["0 B"])
        #expect(shown([]) == [])
        #expect(shown([1000]) == ["1000 B"])
    }

    @Test func theLargestValueChoosesTheUnit() {
        // The report that mixed "fluid total 17984 MiB" with "duplicate total 20.5 GiB".
        #expect(shown([17984 * mi, 20992 * mi]) == ["17.6 GiB", "20.5 GiB"])
        // "memory 5374276 MiB" beside "fluid 3606.25 GiB".
        #expect(shown([5_374_276 * mi, 3_692_800 * mi]) == ["5.13 TiB", "3.52 TiB"])
        #expect(shown([2 * ti, 512 * gi]) == ["2.0 TiB", "0.5 TiB"])
    }

    @Test func differentValuesStayDifferentAndNothingButZeroLooksLikeZero() {
        // 1 MiB in a GiB column needs three decimals.
        #expect(shown([gi, mi, 0]) == ["1.000 GiB", "0.001 GiB", "0 GiB"])
        // Too close for three decimals of a TiB: the column moves to GiB.
        let close = [ti, ti + mi]
        #expect(shown(close) == ["1024.000 GiB", "1024.001 GiB"])
        // One byte apart: a KiB's three decimals still tell them apart.
        #expect(shown([gi, gi + 1]) == ["1048576.000 KiB", "1048576.001 KiB"])
        // Closer than that cannot be: bytes.
        #expect(shown([1 << 50, 1 << 50 + 1]).allSatisfy { $0.hasSuffix(" KiB") })
    }

    @Test func negativeValuesShareTheScale() {
        #expect(shown([-32 * mi, 416 * mi]) == ["-32 MiB", "416 MiB"])
        // The extremes are one byte apart in magnitude.
        #expect(shown([Int.min, Int.max]) == ["-9007199254740992.000 KiB", "9007199254740991.999 KiB"])
        #expect(shown([Int.min, 0]) == ["-8388608 TiB", "0 TiB"])
    }

    @Test func aFixedUnitFormatsEachValueAsBefore() {
        let scale = Size.scale(for: [gi, mi], unit: .MiB)
        #expect(scale.format(gi) == Size.format(gi, unit: .MiB))
        #expect(scale.format(mi / 3) == "~0.33 MiB")
    }

    /// Random groups: one unit per group, distinct values distinct, nonzero
    /// never zero, and each shown value within half a step of the exact one.
    @Test func randomGroupsNeverMixUnitsAndKeepValuesApart() async {
        await propertyCheck(count: 2000, input: Generator { rng in randomGroup(using: &rng) }) { values in
            let scale = Size.scale(for: values, unit: .auto)
            let texts = values.map(scale.format)
            let suffixes = Set(texts.map { $0.split(separator: " ").last.map(String.init) ?? "" })
            #expect(suffixes.count == 1, "\(texts)")
            for (a, ta) in zip(values, texts) {
                if a != 0 { #expect(!["0", "0.0", "0.00", "0.000"].contains(ta.split(separator: " ")[0]), "\(a): \(ta)") }
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
