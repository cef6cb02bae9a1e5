// Size arithmetic every stage shares.

/// Sums of sizes that stop at `Int.max` instead of trapping, for reports that
/// add up figures of their own (the planner's sums never need it: see
/// `FigureBounds`).
@inline(__always)
func satAdd(_ a: Int, _ b: Int) -> Int {
    let (s, o) = a.addingReportingOverflow(b)
    return o ? (b > 0 ? Int.max : Int.min) : s
}

// The planner's sums use plain, trapping arithmetic: the compiler rejects a
// spec any of whose figures could pass 2^63−1 bytes (`total-too-large`, see
// `Compile/FigureBounds.swift`), so none of them overflows.

/// `max(0, a − b − c)` for sizes (all ≥ 0).
@inline(__always)
func lacking(_ a: Int, minus b: Int, _ c: Int = 0) -> Int {
    let have = b + c
    return a > have ? a - have : 0
}
