// What every report's JSON document shares: its opening, up to and with
// `format_version`, and the members written the same way in every report
// (lists of strings, lists of objects, a value or `null`).

extension JSONWriter {
    /// A report's document, opened: `{`, the members `leading` writes (those
    /// whose keys sort before `format_version`: keys are sorted), then
    /// `format_version`. The report writes the rest and ends with
    /// ``finish(to:)``.
    static func report(_ leading: (inout JSONWriter) -> Void = { _ in }) -> JSONWriter {
        var json = JSONWriter()
        json.beginObject()
        leading(&json)
        json.field("format_version", jsonFormatVersion)
        return json
    }

    /// Closes a report's document and hands what is left of it to `out`.
    mutating func finish(to out: inout some TextOutputStream) {
        endObject()
        flush(to: &out)
    }

    /// `"faults": [...]`: the fault kinds a report planned, in order.
    mutating func faults(_ kinds: [FaultKind]) {
        strings("faults", kinds.lazy.map(\.rawValue))
    }

    /// `"key": [...]`: an array of strings.
    mutating func strings(_ key: String, _ values: some Sequence<String>) {
        self.key(key)
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// `"key": {...}`: an object whose members `body` writes.
    mutating func object(_ key: String, _ body: (inout JSONWriter) -> Void) {
        self.key(key)
        beginObject()
        body(&self)
        endObject()
    }

    /// `"key": [{...}, ...]`: an array of one object per item, whose members
    /// `body` writes.
    mutating func objects<Items: Sequence>(_ key: String, _ items: Items, _ body: (inout JSONWriter, Items.Element) -> Void) {
        self.key(key)
        objects(items, body)
    }

    /// `[{...}, ...]`: an array of one object per item, whose members `body`
    /// writes.
    mutating func objects<Items: Sequence>(_ items: Items, _ body: (inout JSONWriter, Items.Element) -> Void) {
        beginArray()
        for item in items {
            beginObject()
            body(&self, item)
            endObject()
        }
        endArray()
    }

    /// An integer, or `null` for `nil`.
    mutating func field(_ key: String, orNull value: Int?) {
        self.key(key)
        if let value { int(value) } else { null() }
    }

    /// A string, or `null` for `nil`.
    mutating func field(_ key: String, orNull value: String?) {
        self.key(key)
        if let value { string(value) } else { null() }
    }

    /// A boolean, or `null` for `nil`.
    mutating func field(_ key: String, orNull value: Bool?) {
        self.key(key)
        if let value { bool(value) } else { null() }
    }
}

extension UnrecoverableJob.Reason {
    /// The reason as the JSON documents spell it.
    var spelling: String {
        switch self {
        case .standbyDown: "standby_down"
        case .stoppedByPolicy: "stopped_by_policy"
        case .noStandby: "no_standby"
        }
    }

    /// The standby that stopped with the job, for ``standbyDown(standby:)``.
    var standby: String? {
        if case .standbyDown(let standby) = self { standby } else { nil }
    }
}
