/// How far one sink is behind the alert log, as stored: its cursor, what is left, what it refused.
public struct SinkDeliveryState: Sendable, Hashable {
    public var sink: String
    /// Sequence of the last event confirmed (or refused for good).
    public var delivered: Int64
    /// Wall-clock ms the cursor last moved.
    public var updatedAt: Int64
    /// Events in the log after the cursor.
    public var pendingEvents: Int
    /// Wall-clock ms the oldest undelivered event was committed (its event time for events
    /// stored before that was recorded); nil when nothing is pending.
    public var oldestPendingSince: Int64?
    /// Events the sink refused for good.
    public var refusals: Int
    /// Wall-clock ms of the first failure of the current run of failures; nil when the last round delivered.
    public var failingSince: Int64?
    /// The last failure's reason, while failing.
    public var lastError: String?

    public init(sink: String, delivered: Int64, updatedAt: Int64, pendingEvents: Int, oldestPendingSince: Int64?, refusals: Int,
                failingSince: Int64? = nil, lastError: String? = nil) {
        self.sink = sink
        self.delivered = delivered
        self.updatedAt = updatedAt
        self.pendingEvents = pendingEvents
        self.oldestPendingSince = oldestPendingSince
        self.refusals = refusals
        self.failingSince = failingSince
        self.lastError = lastError
    }

    /// Seconds the sink is behind at `now` (0 when caught up).
    public func lagSeconds(now: Int64) -> Double {
        guard let oldestPendingSince else { return 0 }
        return Double(max(0, now &- oldestPendingSince)) / 1000
    }
}
