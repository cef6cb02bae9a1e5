import StandbyKit

// Load the worked example, plan it, and print its fix.
switch SpecFile.load(path: "examples/patent-fig4.yaml") {
case .failure(let error):
    print(error)
case .success(let spec):
    let plan = spec.plan()
    print("fluid total: \(plan.totals.fluidTotal / (1 << 20)) MiB")
    print("every case covered: \(plan.covered ? "yes" : "no")")
    for uncovered in plan.cases where !uncovered.covered {
        print("not covered: \(uncovered.id)")
    }
    switch spec.fix() {
    case .failure(let error):
        print(error)
    case .success(let fix):
        for machine in fix.advice.machines {
            for edit in machine.edits {
                print("fix: \(edit.target) \(edit.from / (1 << 20)) MiB -> \(edit.to / (1 << 20)) MiB")
            }
        }
        print(fix.unifiedDiff, terminator: "")
    }
}
