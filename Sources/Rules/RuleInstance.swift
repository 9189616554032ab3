/// The hot state of one rule for one device: what every evaluation reads and writes, kept small
/// (24 bytes) so a device's instances share few cache lines. Cold state is `RuleInstanceDetail`.
struct RuleInstance {
    /// Index into the engine's compiled rules.
    var rule: Int32
    var state = AlertState.inactive
    var pendingSince: Int64 = 0
    var lastValue = Double.nan

    init(rule: Int) {
        self.rule = Int32(truncatingIfNeeded: rule)
    }
}
