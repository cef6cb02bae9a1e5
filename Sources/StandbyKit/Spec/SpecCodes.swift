// The codes of the spec stage: reading YAML, decoding the spec, validating it.
// docs/diagnostics.md describes each one, with what triggers it and the fix.

extension DiagnosticCode {
    // MARK: Reading YAML (one per reader error; reading stops at the first)

    /// libyaml rejected the text (bad indentation, a tab, an unclosed bracket, …).
    public static let yamlSyntax: Self = "yaml-syntax"
    /// The input is not UTF-8 (invalid bytes, UTF-16, control characters).
    public static let invalidEncoding: Self = "invalid-encoding"
    /// The input is larger than `--max-input-bytes`.
    public static let inputTooLarge: Self = "input-too-large"
    /// Collections nest deeper than `--max-depth`.
    public static let nestingTooDeep: Self = "nesting-too-deep"
    /// Aliases expand to more nodes than `--max-alias-nodes` allows.
    public static let aliasBudget: Self = "alias-budget"
    /// An alias names no anchor defined before it.
    public static let undefinedAlias: Self = "undefined-alias"
    /// A key appears twice in one mapping.
    public static let duplicateKey: Self = "duplicate-key"
    /// A mapping key is a list or a mapping.
    public static let complexKey: Self = "complex-key"
    /// A `<<` merge key's value is not a mapping or a list of mappings.
    public static let invalidMerge: Self = "invalid-merge"
    /// The input holds a second YAML document.
    public static let multipleDocuments: Self = "multiple-documents"
    /// A tag outside the YAML core schema (`!!python/object`, `!custom`).
    public static let unsupportedTag: Self = "unsupported-tag"

    // MARK: Decoding the spec

    /// The document holds no content at all.
    public static let emptySpec: Self = "empty-spec"
    /// A key the spec format does not define at that place.
    public static let unknownKey: Self = "unknown-key"
    /// A required key is absent.
    public static let missingKey: Self = "missing-key"
    /// A node of the wrong kind: a list where a mapping belongs, a string for a boolean, ….
    public static let wrongType: Self = "wrong-type"
    /// `version` is not `1`.
    public static let unsupportedVersion: Self = "unsupported-version"
    /// A size that is not a quantity (`256 Mi`, `1e3`, `256m`).
    public static let invalidSize: Self = "invalid-size"
    /// A size that is negative, past 2^63−1 bytes, or not a whole number of bytes.
    public static let sizeOutOfRange: Self = "size-out-of-range"
    /// A job whose memory is 0.
    public static let jobMemoryZero: Self = "job-memory-zero"
    /// A `lost` share that is not a percentage from 0% to 100%.
    public static let invalidPercentage: Self = "invalid-percentage"
    /// A job's `growth` that is not a rate from 0% to 1000% with at most two decimals.
    public static let invalidGrowth: Self = "invalid-growth"
    /// A boolean written other than `true` or `false` (`yes`, `off`, `True`).
    public static let invalidBoolean: Self = "invalid-boolean"
    /// A machine, OS or job name outside the allowed characters or length.
    public static let invalidName: Self = "invalid-name"
    /// A `standby` that is not `os` or `machine/os`.
    public static let invalidReference: Self = "invalid-reference"
    /// A value outside its enumeration (a role, an action, a fault kind, an OS area).
    public static let invalidValue: Self = "invalid-value"
    /// A fault kind listed twice in `faults`.
    public static let duplicateFaultKind: Self = "duplicate-fault-kind"
    /// A size changed by rounding to the machine's granule.
    public static let roundedSize: Self = "rounded-size"
    /// A granule of 0.
    public static let invalidGranule: Self = "invalid-granule"

    // MARK: Validating the spec

    /// Two machines with one name, or two OSes or jobs with one name on a machine.
    public static let duplicateName: Self = "duplicate-name"
    /// An OS or job named `monitor` or `unallocated`.
    public static let reservedName: Self = "reserved-name"
    /// A `standby` that names no OS (or no machine).
    public static let unknownReference: Self = "unknown-reference"
    /// A `standby` that names an OS whose role is not `standby`.
    public static let referenceNotStandby: Self = "reference-not-standby"
    /// A `standby` that names the OS it is written on.
    public static let selfReference: Self = "self-reference"
    /// A hot-standby job with no standby, neither its own nor its OS's.
    public static let hotStandbyWithoutStandby: Self = "hot-standby-without-standby"
    /// A hot-standby job on a standby OS.
    public static let hotStandbyOnStandbyOS: Self = "hot-standby-on-standby-os"
    /// A `standby` key on a standby OS, where it has no effect.
    public static let standbyOnStandbyOS: Self = "standby-on-standby-os"
    /// An OS whose kernel is larger than its memory.
    public static let kernelExceedsMemory: Self = "kernel-exceeds-memory"
    /// A monitor area larger than its machine's memory.
    public static let monitorExceedsMemory: Self = "monitor-exceeds-memory"
    /// A reserve larger than its machine's memory.
    public static let reserveExceedsMemory: Self = "reserve-exceeds-memory"
    /// A reserve larger than the pool at boot, so it can never be held.
    public static let reserveExceedsPool: Self = "reserve-exceeds-pool"
    /// A standby OS that no hot-standby job fails over to.
    public static let unusedStandby: Self = "unused-standby"
    /// An empty `machines` list.
    public static let noMachines: Self = "no-machines"
    /// A machine with an empty `oses` list.
    public static let noOSes: Self = "no-oses"
    /// `machine` faults are simulated but no hot-standby job has a standby on another machine.
    public static let machineFaultsUncoverable: Self = "machine-faults-uncoverable"
    /// An empty `faults` list: nothing is simulated.
    public static let noFaults: Self = "no-faults"
    /// `standby_memory` on a job that is not hot-standby, where it has no effect.
    public static let ignoredStandbyMemory: Self = "ignored-standby-memory"
    /// `standby` on a job that is not hot-standby, where it has no effect.
    public static let ignoredJobStandby: Self = "ignored-job-standby"
}
