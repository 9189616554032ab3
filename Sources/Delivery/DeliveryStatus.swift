/// What a dispatcher knows of its sink beyond the stored cursor: how delivery has gone in this
/// process, for `/healthz`, `/metrics` and `alerts deliveries`.
public struct DeliveryStatus: Sendable, Hashable {
    public var sink: String
    /// Events confirmed (or refused for good) since the process started.
    public var delivered: Int
    /// Failed delivery rounds since the process started.
    public var failures: Int
    /// Wall-clock ms of the last round that confirmed events; nil before the first.
    public var lastSuccessAt: Int64?
    /// Wall-clock ms of the first failure of the current run of failures; nil while healthy.
    public var failingSince: Int64?
    /// The last failure's reason.
    public var lastFailure: String?

    public init(sink: String, delivered: Int = 0, failures: Int = 0, lastSuccessAt: Int64? = nil,
                failingSince: Int64? = nil, lastFailure: String? = nil) {
        self.sink = sink
        self.delivered = delivered
        self.failures = failures
        self.lastSuccessAt = lastSuccessAt
        self.failingSince = failingSince
        self.lastFailure = lastFailure
    }

    /// Whether the sink has been failing for at least `threshold` ms at `now`.
    public func isDegraded(now: Int64, threshold: Int64) -> Bool {
        guard let failingSince else { return false }
        return now &- failingSince >= threshold
    }
}
