/// A snapshot of the client's connection, for health checks and logs.
public struct MQTTClientStatus: Sendable {
    /// Connected and CONNACK accepted.
    public var connected: Bool
    /// Successful reconnections since `connect`.
    public var reconnects: Int
    /// Connections accepted since `connect` (the first one included): it changes on every
    /// reconnect, so state that must be re-established per connection can tell when to.
    public var connections: Int
    /// Messages handed to the handler.
    public var messagesReceived: Int
    /// Publishes queued but not completed yet.
    public var pendingPublishes: Int
    /// The most recent failure, if any.
    public var lastError: MQTTError?
}
