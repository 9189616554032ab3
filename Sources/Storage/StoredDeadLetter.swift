/// A stored dead letter: the exact bytes received, where and when, and why they were rejected.
public struct StoredDeadLetter: Sendable, Hashable {
    public var id: Int64
    /// ms since the epoch.
    public var receivedAt: Int64
    public var topic: String
    public var payload: [UInt8]
    /// Code of the first reason (``Telemetry/DeadLetterReason/code``).
    public var reason: String
    /// Every reason, as one human sentence.
    public var detail: String
    /// When it was marked resolved (re-decoded successfully), ms since the epoch.
    public var resolvedAt: Int64?

    public init(
        id: Int64, receivedAt: Int64, topic: String, payload: [UInt8],
        reason: String, detail: String, resolvedAt: Int64?
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.topic = topic
        self.payload = payload
        self.reason = reason
        self.detail = detail
        self.resolvedAt = resolvedAt
    }
}
