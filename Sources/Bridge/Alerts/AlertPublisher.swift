import Logging
import MQTT
import Rules
import Synchronization

/// Publishes alert events on MQTT (QoS 1): each event on its event topic, and the set of firing
/// alerts as retained messages on the active topics, so a subscriber that connects late sees
/// what is firing now.
public final class AlertPublisher: Sendable {
    public let topics: AlertTopics
    private let client = Mutex<MQTTClient?>(nil)
    private let logger: Logger

    public init(topics: AlertTopics, logger: Logger) {
        self.topics = topics
        self.logger = logger
    }

    /// The client to publish through; events before this are stored but not published.
    public func attach(_ client: MQTTClient?) {
        self.client.withLock { $0 = client }
    }

    /// Never blocks: it may run while the pipeline holds its lock (see `publishWithoutWaiting`).
    func publish(_ events: [AlertEvent], severity: (AlertEvent) -> String) {
        guard !events.isEmpty else { return }
        guard let client = client.withLock({ $0 }) else {
            logger.warning("not connected: alert events stored but not published", metadata: ["events": "\(events.count)"])
            return
        }
        for event in events {
            let eventTopic = topics.eventTopic(severity: severity(event), alert: event.alert, device: event.device)
            let activeTopic = topics.activeTopic(alert: event.alert, device: event.device)
            let json = Array(event.json.utf8)
            do {
                try client.publishWithoutWaiting(topic: eventTopic, payload: json, qos: 1, retain: false)
                switch event {
                case .raised:
                    try client.publishWithoutWaiting(topic: activeTopic, payload: json, qos: 1, retain: true)
                case .cleared:
                    try client.publishWithoutWaiting(topic: activeTopic, payload: [], qos: 1, retain: true)
                }
            } catch {
                logger.error("cannot publish an alert event (it is stored)", metadata: [
                    "alert": "\(event.alert)", "device": "\(event.device)", "error": "\(error)",
                ])
            }
        }
    }
}
