/// Counters of what the engine did with the readings it was given (for `/metrics`).
public struct RuleEngineStatistics: Sendable, Hashable {
    /// Readings passed to `process`.
    public var readings = 0
    /// Readings older than their device's watermark: ignored (they change no window or alert).
    public var late = 0
    /// Readings with the same device, metric and timestamp as the previous one: ignored.
    public var duplicates = 0
    /// Readings whose value is NaN or infinite: ignored.
    public var invalid = 0
    public var raised = 0
    public var cleared = 0
}
