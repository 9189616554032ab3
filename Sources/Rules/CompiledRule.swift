/// A rule as the engine runs it: programs with metric indexes translated to the engine's
/// interned metric ids.
struct CompiledRule {
    var rule: Rule
    var when: [Program.Op]
    var valueOp: Int
    var clear: [Program.Op]?
    var stackDepth: Int
    var message: [MessageTemplate.Part]
    /// Engine metric ids read by `when` or `clear`.
    var metrics: [Int]
    /// Engine window slots.
    var windows: [Int]
    /// Evaluated on every reading of the device (time-dependent, or no metric to wait for).
    var onEveryReading: Bool
    // Copies of the rule's hot fields, so the per-reading path never touches `rule`.
    var holdFor: Int64
    /// `when` and `clear` when they have the common `operand <op> constant` shape.
    var fastWhen: FastCondition?
    var fastClear: FastCondition?
    var dependsOnTime: Bool
    var valueIsSilence: Bool
}
