/// A snapshot of the client's connection, for health checks and logs.
public struct MQTTClientStatus: Sendable {
    /// Connected and CONNACK accepted.
    public var connected: Bool
    /// Successful reconnections since `connect`.
    public var reconnects: Int
    /// Messages handed to the handler.
    public var messagesReceived: Int
    /// Publishes queued but not completed yet.
    public var pendingPublishes: Int
    /// The most recent failure, if any.
    public var lastError: MQTTError?
}
