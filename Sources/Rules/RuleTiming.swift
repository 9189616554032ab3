/// The per-evaluation facts about a rule, in a small struct of plain values: reading it from an
/// array copies a few words and retains nothing (unlike `CompiledRule`, which holds the `Rule`).
struct RuleTiming {
    var holdFor: Int64
    var clearFor: Int64
    var keepFiringFor: Int64
    var flapping: FlapDetection?
    var dependsOnTime: Bool
    var valueIsSilence: Bool
    var hasClear: Bool
    var valueOp: Int
    var fastWhen: FastCondition?
    var fastClear: FastCondition?
}
