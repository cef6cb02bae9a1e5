// The figures a machine and the fleet share, and the scalar members of a JSON
// object written in key order among the members a writer writes itself.

/// The figures every machine of a plan has, and the fleet's totals of them.
protocol PlanFigureSet {
    var footprint: Int { get }
    var reserveMinimum: Int { get }
    var fluidTotal: Int { get }
    var duplicateTotal: Int { get }
    var staticTotal: Int { get }
    var savings: Int { get }
    var savingsPercent: RoundedPercent { get }
}

extension FleetTotals: PlanFigureSet {}
extension MachinePlan: PlanFigureSet {}

extension PlanFigureSet {
    /// The figures under their keys in the JSON exports (plan and diff).
    var jsonMembers: [SortedJSONScalars.Member] {
        [
            ("duplicate_total_bytes", .int(duplicateTotal)), ("fluid_total_bytes", .int(fluidTotal)),
            ("footprint_bytes", .int(footprint)), ("reserve_minimum_bytes", .int(reserveMinimum)),
            ("savings_bytes", .int(savings)), ("savings_percent", .percent(savingsPercent)),
            ("static_total_bytes", .int(staticTotal)),
        ]
    }
}

/// Scalar members of one JSON object, written in key order: the exports list
/// every object's keys sorted, and the figures a machine shares with the
/// fleet fall among members of its own (``write(upTo:into:)``).
struct SortedJSONScalars {
    enum Value {
        case int(Int)
        case bool(Bool)
        case string(String)
        /// Written with one decimal (`38.5`).
        case percent(RoundedPercent)
    }

    typealias Member = (key: String, value: Value)

    private let members: [Member]
    /// The first member not yet written.
    private var next = 0

    init(_ members: [Member]) {
        // A dozen members at most, once per machine.
        self.members = members.sorted { $0.key < $1.key }
    }

    /// Writes the members whose keys sort before `key`, then `key` itself, for
    /// the caller to write its value; with `nil`, every member left.
    mutating func write(upTo key: String?, into json: inout JSONWriter) {
        while next < members.count, key.map({ members[next].key < $0 }) ?? true {
            let (name, value) = members[next]
            next += 1
            switch value {
            case .int(let n): json.field(name, n)
            case .bool(let b): json.field(name, b)
            case .string(let s): json.field(name, s)
            case .percent(let p):
                json.key(name)
                json.decimal(p.tenths, decimals: 1)
            }
        }
        if let key { json.key(key) }
    }

    /// Writes them all as one object.
    static func writeObject(_ members: [Member], into json: inout JSONWriter) {
        var scalars = SortedJSONScalars(members)
        json.beginObject()
        scalars.write(upTo: nil, into: &json)
        json.endObject()
    }
}
