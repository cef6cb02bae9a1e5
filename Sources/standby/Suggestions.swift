/// "Did you mean …?" for mistyped names: subcommands and `--case` ids.

/// The names among `candidates` closest to `word` by edit distance, nearest
/// first (ties in the candidates' order), at most `count` of them.
///
/// Bounded work, whatever the candidates: only names whose length is within
/// `maxDistance` of the word's are compared, at most `maxCompared` of them, each
/// in O(length × (2 × maxDistance + 1)) steps; so a fleet's hundreds of
/// thousands of case ids cost at most maxCompared such comparisons.
func suggestions(
    for word: String, among candidates: some Sequence<String>, maxDistance: Int,
    count: Int = 3, maxCompared: Int = 200_000
) -> [String] {
    let target = Array(word.utf8)
    var found: [(distance: Int, order: Int, name: String)] = []
    var compared = 0
    for name in candidates {
        let bytes = Array(name.utf8)
        guard abs(bytes.count - target.count) <= maxDistance else { continue }
        compared += 1
        if compared > maxCompared { break }
        if let d = editDistance(target, bytes, limit: maxDistance) {
            found.append((d, found.count, name))
        }
    }
    return found.sorted { ($0.distance, $0.order) < ($1.distance, $1.order) }.prefix(count).map(\.name)
}

/// The Levenshtein distance from `a` to `b` when it is at most `limit`, else
/// `nil`. Only the band of cells within `limit` of the diagonal is computed,
/// and a row whose every cell is past the limit ends the search.
func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int? {
    guard abs(a.count - b.count) <= limit else { return nil }
    let over = limit + 1  // stands for every distance past the limit
    var previous = (0...b.count).map { min($0, over) }
    var current = [Int](repeating: over, count: b.count + 1)
    for i in stride(from: 1, through: a.count, by: 1) {
        let low = max(1, i - limit)
        let high = min(b.count, i + limit)
        current[0] = min(i, over)
        if low > 1 { current[low - 1] = over }
        var best = current[0]
        if low <= high {
            for j in low...high {
                let substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitute, previous[j] + 1, current[j - 1] + 1, over)
                best = min(best, current[j])
            }
        }
        if high < b.count { current[high + 1] = over }
        if best > limit { return nil }
        swap(&previous, &current)
    }
    return previous[b.count] <= limit ? previous[b.count] : nil
}

/// How far a mistyped name may be from a suggestion: about one edit in four
/// characters, at least one, at most three.
func suggestionDistance(for word: String) -> Int {
    max(1, min(3, word.utf8.count / 4))
}
