import Testing

@testable import StandbyKit

/// The validator's name table answers as a `[String: Value]` would, whatever
/// the names: short, long, not ASCII, or colliding.
@Suite struct NameTableTests {
    /// Inserts `names` in order into a table and into a dictionary, and
    /// expects the same answer from both at every insert.
    func agreesWithADictionary(_ names: [String], maxProbes: Int = 32) -> NameTable<Int> {
        var table = NameTable<Int>(capacity: 4, maxProbes: maxProbes)
        var dictionary: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            let expected = dictionary[name]
            if expected == nil { dictionary[name] = i }
            #expect(table.insert(name, key: NameKey(name), i) == expected, "\(name)")
        }
        return table
    }

    @Test func findsRepeatsAmongManyNames() {
        let names = (0..<3000).map { "a\($0 % 7)-j\($0 % 1200)" }
        let table = agreesWithADictionary(names)
        #expect(!table.movedToDictionary)
    }

    @Test func namesOfEveryLengthAroundTheTwoWords() {
        let lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 63, 64, 200]
        let names = lengths.flatMap { n in ["x", "y"].map { String(repeating: "a", count: n) + $0 } }
            + lengths.map { String(repeating: "a", count: $0) }
        // Each twice, and names differing only past the 16th byte.
        _ = agreesWithADictionary(names + names.reversed())
    }

    @Test func namesEqualAsStringsButNotAsBytes() {
        // KELVIN SIGN is canonically equivalent to K; é precomposed to e + U+0301.
        let table = agreesWithADictionary(["Kelvin", "\u{212A}elvin", "caf\u{E9}", "cafe\u{301}", "K"])
        #expect(table.movedToDictionary)
    }

    @Test func longProbeSequencesMoveTheTableAndLoseNothing() {
        let names = (0..<500).map { "job-\($0 % 300)" }
        let table = agreesWithADictionary(names, maxProbes: 1)
        #expect(table.movedToDictionary)
    }

    @Test func resetEmptiesTheTable() {
        var table = NameTable<Int>(capacity: 8)
        #expect(table.insert("a", key: NameKey("a"), 1) == nil)
        #expect(table.insert("a", key: NameKey("a"), 2) == 1)
        table.reset(capacity: 8)
        #expect(table.insert("a", key: NameKey("a"), 3) == nil)
    }

    @Test func onlyASCIINamesHaveKeys() {
        #expect(NameKey("vms50") != nil)
        #expect(NameKey("v\u{E9}") == nil)
        #expect(NameKey(String(repeating: "a", count: 40) + "\u{E9}") == nil)
        #expect(NameKey("monitor") == NameKey("monitor"))
        #expect(NameKey("monitor") != NameKey("monitors"))
    }
}
