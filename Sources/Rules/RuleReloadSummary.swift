/// What `RuleEngine.reload` changed.
public struct RuleReloadSummary: Sendable, Hashable {
    public var added: [String] = []
    public var removed: [String] = []
    /// Same name, different definition: state starts afresh.
    public var changed: [String] = []
    /// Same canonical text: pending timers and firing alerts kept.
    public var unchanged: [String] = []
    /// `AlertCleared` for alerts that were firing under a removed or changed rule, so every
    /// raised alert is eventually cleared.
    public var events: [AlertEvent] = []
}
