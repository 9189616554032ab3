/// The hot state of one rule for one device: what every evaluation reads and writes, kept small
/// (24 bytes) so a device's instances share few cache lines. Cold state is `RuleInstanceDetail`.
struct RuleInstance {
    /// Index into the engine's compiled rules.
    var rule: Int32
    var state = AlertState.inactive
    /// While firing with `clear_for` / `keep_firing_for`: which countdown runs (since
    /// `RuleInstanceDetail.phaseSince`).
    var phase = FiringPhase.steady
    var pendingSince: Int64 = 0
    var lastValue = Double.nan

    init(rule: Int) {
        self.rule = Int32(truncatingIfNeeded: rule)
    }
}

/// Where a firing alert stands on its way to clearing.
enum FiringPhase: UInt8 {
    /// Firing; no countdown.
    case steady
    /// `clear` holds; counting `clear_for`.
    case clearing
    /// It would clear; counting `keep_firing_for` (`when` holding again ends the countdown).
    case keeping
}
