import Testing

@testable import standby

/// The bounded edit distance behind "did you mean", against the textbook
/// full-table Levenshtein distance.
@Suite struct Suggestions {
    /// The full dynamic-programming table, no band, no early stop.
    static func levenshtein(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var next = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                next[j] = min(row[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), row[j] + 1, next[j - 1] + 1)
            }
            row = next
        }
        return row[b.count]
    }

    /// SplitMix64: the same words on every run.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func boundedDistanceAgreesWithTheFullTable() {
        var rng = Generator(state: 42)
        // A three-letter alphabet makes near words, and so every band edge, common.
        func word() -> [UInt8] { (0..<Int.random(in: 0...9, using: &rng)).map { _ in UInt8.random(in: 97...99, using: &rng) } }
        for _ in 0..<5000 {
            let a = word(), b = word()
            let limit = Int.random(in: 0...4, using: &rng)
            let full = Self.levenshtein(a, b)
            #expect(editDistance(a, b, limit: limit) == (full <= limit ? full : nil), "\(a) \(b) \(limit)")
        }
    }

    @Test func nearestComeFirstAndTheCapStopsTheSearch() {
        let names = ["plane", "plan", "planet", "clan"]
        #expect(suggestions(for: "plam", among: names, maxDistance: 1) == ["plan"])
        #expect(suggestions(for: "plam", among: names, maxDistance: 2) == ["plan", "plane", "clan"])
        // Only the first compared candidate of a similar length is looked at.
        #expect(suggestions(for: "plam", among: names, maxDistance: 2, maxCompared: 1) == ["plane"])
        // Names far longer or shorter are never compared, so never suggested.
        #expect(suggestions(for: "p", among: ["planetarium"], maxDistance: 3).isEmpty)
    }
}
