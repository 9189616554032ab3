import Delivery
import Logging
import MQTT
import Operations
import Replay
import Rules
import Storage
import Synchronization
import Telemetry

/// Publishes the alert log on MQTT (QoS 1): each event on its event topic, and the firing set as
/// retained messages on the active topics, so a subscriber that connects late sees what fires now.
///
/// Events count as delivered when the broker acknowledged them (PUBACK): the dispatcher's cursor
/// moves only then. On every (re)connect the retained active topics are first brought in line with
/// the log (every (alert, device) pair's newest event up to what was published: its raise, or an
/// empty retained message after its clear), so a broker that lost its retained state, or missed a
/// clear while the bridge was down, says exactly what the log says. Each event carries its `id`
/// as MQTT 5 correlation data. A publish the broker refuses (MQTT 5 PUBACK reason code, e.g. an
/// ACL) makes its event this sink's dead letter, with the reason; delivery goes on.
///
/// Fast path: ``publishCommitted(_:)`` queues the events of a commit at once, from the ingest
/// thread, when the sink is caught up (everything before them is published on this connection);
/// they leave with the batch's acknowledgements instead of waiting for the dispatcher, which then
/// only waits for the PUBACKs and moves the cursor. Every publish happens under the sink's lock,
/// so the two paths never reorder events.
public final class MQTTAlertSink: AlertSink {
    public let topics: AlertTopics
    private let store: TelemetryStore
    private let logger: Logger
    /// How long to wait for the broker's acknowledgements of one round.
    private let acknowledgementTimeout: Duration

    private struct State {
        var client: MQTTClient?
        /// The client and connection the retained topics were last reconciled on.
        var reconciled: (client: ObjectIdentifier, connection: Int)?
        /// The newest event handed to `client` (queued in libmosquitto until acknowledged; it resends
        /// it after a reconnect, so it is not published again). After a reconcile at least the
        /// position reconciled through.
        var publishedThrough: Int64 = 0
        var wake: (@Sendable () -> Void)?
        /// Events whose publishes the broker has not acknowledged yet, by publish: a refusal
        /// (MQTT 5 reason code) names the event to record as this sink's dead letter.
        var inFlight: [MQTTPublishID: LoggedAlertEvent] = [:]
        /// Refusals a flush returned, recorded with the next round's outcome.
        var refusals: [DeliveryRefusal] = []
    }

    private let state = Mutex(State())

    public init(topics: AlertTopics, store: TelemetryStore, logger: Logger, acknowledgementTimeout: Duration = .seconds(10)) {
        self.topics = topics
        self.store = store
        self.logger = logger
        self.acknowledgementTimeout = acknowledgementTimeout
    }

    public var name: String { "mqtt" }

    /// Events normally left by the fast path already: rounds only confirm them, so they may wait
    /// for a few commits (less work beside ingest; the cursor lags by this much).
    public var linger: Int64 { 20 }

    /// The client to publish through (nil: none; events wait in the log).
    public func attach(_ client: MQTTClient?) {
        let wake = state.withLock { state in
            if state.client !== client {
                state.client = client
                state.reconciled = nil
                state.publishedThrough = 0
                state.inFlight = [:]
            }
            return state.wake
        }
        wake?()
    }

    public func attach(wake: @escaping @Sendable () -> Void) {
        state.withLock { $0.wake = wake }
    }

    /// The client reconnected (or lost the connection): a round starts to reconcile.
    public func connectionChanged(connected: Bool) {
        if connected { state.withLock { $0.wake }?() }
    }

    public func prepare(cursor: Int64, now: Int64) throws(DeliveryFailure) {
        let (client, connection) = try connectedClient()
        let (needed, through) = state.withLock { state in
            (state.reconciled.map { $0.client != ObjectIdentifier(client) || $0.connection != connection } ?? true,
             max(cursor, state.publishedThrough))
        }
        guard needed else { return }
        let latest: [LoggedAlertEvent]
        let acknowledgements: [String: LoggedAlertEvent]
        do {
            latest = try store.latestAlertEvents(through: through)
            acknowledgements = try store.firingAcknowledgements(through: through)
        } catch {
            throw DeliveryFailure("cannot read the alert log: \(error)")
        }
        // Outside the lock and with backpressure (one retained message per pair the log knows):
        // the fast path stays off until `reconciled` names this connection.
        do {
            for event in latest {
                let active = activeMessage(of: event, acknowledgement: acknowledgements[event.record.id]?.record)
                try client.publish(topic: active.topic, payload: active.payload, qos: 1, retain: true, properties: active.properties)
            }
            try flush(client)
        } catch {
            throw DeliveryFailure("reconciling the retained active alerts: \(error)")
        }
        let firing = latest.count { $0.record.type == .raised }
        state.withLock { state in
            guard state.client === client else { return }
            state.publishedThrough = max(state.publishedThrough, through)
            state.reconciled = (ObjectIdentifier(client), connection)
        }
        logger.info("retained active alerts reconciled with the alert log", metadata: [
            "firing": "\(firing)", "cleared": "\(latest.count - firing)", "through": "\(through)",
        ])
    }

    public func deliver(_ events: [LoggedAlertEvent]) -> DeliveryOutcome {
        let client: MQTTClient
        do {
            client = try connectedClient().client
        } catch {
            return .failed(error)
        }
        do {
            // At most one round (a few hundred events) is queued: the flush below waits for it.
            try state.withLock { (state: inout State) throws(MQTTError) in
                guard state.client === client else { throw .closed }
                for event in events where event.sequence > state.publishedThrough {
                    try publish(event, through: client, state: &state)
                    state.publishedThrough = event.sequence
                }
            }
            try flush(client)
        } catch {
            return .failed(DeliveryFailure("broker: \(error)"))
        }
        // Refused publishes of this round's events (or earlier ones: a fast path's) go with it.
        let last = events.last?.sequence ?? 0
        let refusals = state.withLock { state in
            let due = state.refusals.filter { $0.sequence <= last }
            state.refusals.removeAll { $0.sequence <= last }
            return due
        }
        return DeliveryOutcome(confirmedThrough: events.last?.sequence, refusals: refusals)
    }

    /// The fast path (see the type's notes): called on the ingest thread right after a commit,
    /// with its new events in log order. Never blocks; does nothing unless the sink is connected,
    /// reconciled on this connection and has published everything before `events`.
    public func publishCommitted(_ events: [LoggedAlertEvent]) {
        guard let first = events.first else { return }
        state.withLock { state in
            guard let client = state.client, let reconciled = state.reconciled, reconciled.client == ObjectIdentifier(client),
                  state.publishedThrough == first.sequence - 1
            else { return }
            let status = client.status
            guard status.connected, status.connections == reconciled.connection else { return }
            for event in events {
                guard event.sequence == state.publishedThrough + 1 else { return }
                do {
                    try publish(event, through: client, state: &state)
                } catch {
                    return  // the dispatcher delivers it
                }
                state.publishedThrough = event.sequence
            }
        }
    }

    /// Queues an event on its event topic and the retained active topic; never waits. The caller
    /// holds the state lock (`state` is its inout value). Silences are not published (they are
    /// in the log, `alerts silences` and the dashboard show them); an acknowledgement is, and the
    /// retained copy of its raise is re-published with it.
    private func publish(_ event: LoggedAlertEvent, through client: MQTTClient, state: inout State) throws(MQTTError) {
        let record = event.record
        guard record.type != .silenceCreated && record.type != .silenceExpired else { return }
        let active: (topic: String, payload: [UInt8], properties: MQTTPublishProperties?)
        if record.type == .acknowledged {
            guard let raisedID = record.raisedID, let raise = try? store.alertEvent(id: raisedID) else {
                logger.warning("acknowledgement of a raise no longer in the alert log", metadata: ["event": "\(record.id)"])
                return
            }
            active = activeMessage(of: LoggedAlertEvent(sequence: event.sequence, record: raise), acknowledgement: record)
        } else {
            active = activeMessage(of: event, acknowledgement: nil)
        }
        let published = try client.publishWithoutWaiting(
            topic: topics.eventTopic(severity: record.severity ?? "unknown", alert: record.alert, device: record.device),
            payload: Array(record.event.utf8), qos: 1, retain: false, properties: Self.properties(of: event))
        state.inFlight[published] = event
        let retained = try client.publishWithoutWaiting(topic: active.topic, payload: active.payload, qos: 1, retain: true,
                                                        properties: active.properties)
        state.inFlight[retained] = event
    }

    /// Waits for the broker's acknowledgements of everything published so far; keeps what it
    /// refused for the round's outcome and forgets what it acknowledged.
    private func flush(_ client: MQTTClient) throws(MQTTError) {
        let through = state.withLock { $0.inFlight.keys.max() }
        let refused = try client.flush(timeout: acknowledgementTimeout)
        let now = WallClock.milliseconds()
        state.withLock { state in
            for refusal in refused {
                guard let event = state.inFlight[refusal.publish],
                      !state.refusals.contains(where: { $0.sequence == event.sequence }) else { continue }
                state.refusals.append(DeliveryRefusal(sequence: event.sequence, eventID: event.record.id,
                                                      reason: "PUBACK \(refusal)", response: "", at: now))
            }
            // Everything published before the flush is acknowledged now.
            if let through { state.inFlight = state.inFlight.filter { $0.key > through } }
        }
    }

    /// The retained "firing now" message a raise or clear leaves: the raise itself (with an
    /// `acknowledged` object once acknowledged), or empty after a clear.
    private func activeMessage(of event: LoggedAlertEvent, acknowledgement: AlertRecord?) -> (topic: String, payload: [UInt8], properties: MQTTPublishProperties?) {
        let raised = event.record.type == .raised
        let payload = raised ? Array(OperatorLog.raise(event.record.event, acknowledgedBy: acknowledgement).utf8) : []
        return (topics.activeTopic(alert: event.record.alert, device: event.record.device),
                payload, raised ? Self.properties(of: event) : nil)
    }

    private func connectedClient() throws(DeliveryFailure) -> (client: MQTTClient, connection: Int) {
        guard let client = state.withLock({ $0.client }) else {
            throw DeliveryFailure("not connected to the broker")
        }
        let status = client.status
        guard status.connected else {
            throw DeliveryFailure("not connected to the broker" + (status.lastError.map { " (\($0))" } ?? ""))
        }
        return (client, status.connections)
    }

    private static func properties(of event: LoggedAlertEvent) -> MQTTPublishProperties {
        MQTTPublishProperties(correlationData: Array(event.record.id.utf8), contentType: "application/json")
    }
}
