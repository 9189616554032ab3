import Foundation
import Telemetry

/// The reading that made an alert's condition hold: its MQTT topic (when the daemon passed it),
/// its event time, and the trace context of its message (MQTT 5 correlation data and W3C
/// `traceparent`), so an alert can be followed back to the reading end to end.
public struct AlertCause: Sendable, Hashable, Codable {
    public var topic: String?
    public var at: Int64
    /// The causing message's W3C `traceparent` user property.
    public var traceparent: String?
    /// The causing message's MQTT 5 correlation data, base64.
    public var correlationData: String?

    public init(topic: String?, at: Int64, traceparent: String? = nil, correlationData: String? = nil) {
        self.topic = topic
        self.at = at
        self.traceparent = traceparent
        self.correlationData = correlationData
    }

    init(topic: String?, at: Int64, trace: MessageTrace?) {
        self.init(topic: topic, at: at, traceparent: trace?.traceparent,
                  correlationData: trace?.correlationData.map { Data($0).base64EncodedString() })
    }
}
