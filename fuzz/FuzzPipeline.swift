// The libFuzzer entry point: every input runs the whole pipeline, bytes to
// every renderer (`Pipeline.runEverything`; see scripts/fuzz).
import StandbyKit

/// Counts what the renderers write and drops it.
struct NullStream: TextOutputStream {
    var bytes = 0
    mutating func write(_ string: String) { bytes &+= string.utf8.count }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var out = NullStream()
    Pipeline.runEverything(Array(UnsafeBufferPointer(start: data, count: size)), to: &out)
    return 0
}
