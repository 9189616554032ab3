/// The cold state of one rule for one device, touched only when it is set up or changes state.
struct RuleInstanceDetail {
    /// Results of the rule's label comparisons for this device: bit k set in `labelsKnown` when
    /// comparison k could be decided, and then its result in `labelsTrue`.
    var labelsTrue: UInt64 = 0
    var labelsKnown: UInt64 = 0
    /// The reading that started the pending period.
    var cause = AlertCause(topic: nil, at: 0)
    /// The event that raised the alert, while firing.
    var raised: AlertRaised?
    /// When the current `FiringPhase` countdown started.
    var phaseSince: Int64 = 0
    /// With `flapping:`: the latest state changes (at most `high + 1`, ascending) and whether
    /// the alert is flapping.
    var changes: [Int64] = []
    var flapping = false
}
