import Logging

/// An MQTT client over libmosquitto that acknowledges messages only after they were handled.
///
/// The client runs its own network thread. Received messages arrive in batches on that thread;
/// the broker gets the acknowledgements (QoS 1 PUBACKs) only after the handler returned, so a
/// handler that stores the batch before returning gives acknowledge-after-commit. A throwing
/// handler drops the connection unacknowledged and the broker redelivers after the reconnect.
///
/// ```swift
/// let client = MQTTClient(configuration: try MQTTConfiguration(url: "mqtt://127.0.0.1"), logger: logger)
/// try client.connect(subscriptions: [MQTTSubscription("sensors/#", qos: 1)]) { batch in
///     try store.insert(batch.messages)      // acknowledged once this returns
/// }
/// ```
public final class MQTTClient: Sendable {
    private let core: ClientCore

    /// The settings this client was created with.
    public var configuration: MQTTConfiguration { core.configuration }

    public init(configuration: MQTTConfiguration, logger: Logger) {
        core = ClientCore(configuration: configuration, logger: logger)
    }

    /// Connects, subscribes and starts the network thread; returns once the broker accepted the
    /// connection and every subscription (or throws within `connectTimeout`).
    ///
    /// - Throws: `.badCredentials`/`.notAuthorized` when refused, `.connectionFailed` when the
    ///   broker cannot be reached, `.tls` for certificate problems, `.subscriptionRefused`,
    ///   `.timeout`. After the first successful connect, losses are retried with backoff.
    /// - Parameter connectionObserver: told on the network thread of every accepted connection
    ///   (`true`, after the CONNACK, before the subscriptions are confirmed) and every loss
    ///   (`false`); it must not block.
    /// - Parameter handler: called on the network thread with each batch. It may call `publish`
    ///   (never blocks there) but not `flush`. Throwing means "not handled": nothing is acknowledged.
    ///   QoS 2 subscriptions are not covered (libmosquitto completes them before the handler), use QoS 1.
    public func connect(
        subscriptions: [MQTTSubscription],
        connectionObserver: (@Sendable (Bool) -> Void)? = nil,
        handler: @escaping @Sendable (MQTTBatch) throws -> Void
    ) throws(MQTTError) {
        try core.start(subscriptions: subscriptions, connectionObserver: connectionObserver, handler: handler)
    }

    /// Queues a message; safe from any thread, including the handler.
    ///
    /// Outside the handler it blocks while `maxOutstandingPublishes` publishes are not completed
    /// (backpressure). QoS 1/2 publishes made while the connection is down are kept and sent after
    /// the reconnect; QoS 0 ones throw `.notConnected`.
    @discardableResult
    public func publish(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = false,
                        properties: MQTTPublishProperties? = nil) throws(MQTTError) -> MQTTPublishID {
        try core.publish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
    }

    /// Queues a message without ever waiting for publish capacity, from any thread.
    ///
    /// For callers that hold a lock the network thread may need (the ingest thread itself, or a
    /// lock it takes): waiting there for the network thread to drain publishes could deadlock.
    /// The caller bounds what it queues (the alert sink: one delivery round, then `flush`).
    @discardableResult
    public func publishWithoutWaiting(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = false,
                                      properties: MQTTPublishProperties? = nil) throws(MQTTError) -> MQTTPublishID {
        try core.publish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties, waitForCapacity: false)
    }

    /// Waits until every publish made before the call completed (QoS 0 written, QoS 1/2
    /// acknowledged), and returns those of them the broker refused (MQTT 5 reason codes; a
    /// refusal is handed out by one flush only). Not callable from the handler.
    @discardableResult
    public func flush(timeout: Duration) throws(MQTTError) -> [MQTTPublishRefusal] {
        try core.flush(timeout: timeout)
    }

    /// Connection state, counters and the last error.
    public var status: MQTTClientStatus {
        core.status
    }

    /// Graceful shutdown: the batch already read is handled and acknowledged, a retained
    /// `offline` status is published, outstanding publishes are flushed (up to
    /// `disconnectTimeout`), DISCONNECT is sent and the thread joined. Subscriptions are kept so
    /// the persistent session keeps collecting messages. Idempotent; from the handler it only
    /// requests the stop.
    public func disconnect() {
        core.disconnect()
    }

    deinit {
        core.disconnect()
    }
}
