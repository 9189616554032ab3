/// An alert started firing: its condition held for the rule's `for` (event time).
public struct AlertRaised: Sendable, Hashable {
    /// UUIDv7: time-ordered, unique.
    public var id: String
    public var alert: String
    public var device: String
    public var deviceType: String
    /// The device's labels overlaid with the rule's `labels`.
    public var labels: [String: String]
    public var severity: Severity
    /// The left side of the first numeric comparison in `when` (the `avg` of
    /// `avg(temperature, 5m) > 30`); for a bare `silent()` the seconds of silence; nil if unknown.
    public var value: Double?
    public var message: String
    /// Event time (ms since the epoch) the alert was raised.
    public var at: Int64
    /// Event time `when` started to hold.
    public var pendingSince: Int64
    public var cause: AlertCause
    public var annotations: [String: String]
    /// The silence (or maintenance window) in force when it was raised: the event is stored and
    /// published on MQTT as any other, but notifying sinks (Alertmanager, webhooks) skip it.
    public var silenced: String?
    /// Raised while the rule was flapping (see ``FlapDetection``), or the clear of such a raise:
    /// notifying sinks hold it back.
    public var flapping: Bool

    public init(
        id: String, alert: String, device: String, deviceType: String, labels: [String: String],
        severity: Severity, value: Double?, message: String, at: Int64, pendingSince: Int64, cause: AlertCause,
        annotations: [String: String] = [:], silenced: String? = nil, flapping: Bool = false
    ) {
        self.id = id
        self.alert = alert
        self.device = device
        self.deviceType = deviceType
        self.labels = labels
        self.severity = severity
        self.value = value
        self.message = message
        self.at = at
        self.pendingSince = pendingSince
        self.cause = cause
        self.annotations = annotations
        self.silenced = silenced
        self.flapping = flapping
    }

    /// The event as the README shows it ("Rules and alerts", **Events**), fields in that order
    /// (consumers may rely on it); `annotations` and `silenced` only when there are some.
    public var json: String {
        var writer = JSONObjectBuilder()
        writer.field("type", "AlertRaised")
        writer.field("schema", raw: "1")
        writer.field("id", id)
        writer.field("alert", alert)
        writer.field("device", device)
        writer.field("deviceType", deviceType)
        writer.field("labels", object: labels)
        writer.field("severity", severity.rawValue)
        writer.field("value", number: value)
        writer.field("message", message)
        writer.field("at", EventTimestamp.format(at))
        writer.field("pendingSince", EventTimestamp.format(pendingSince))
        var cause = JSONObjectBuilder()
        if let topic = self.cause.topic { cause.field("topic", topic) }
        cause.field("at", EventTimestamp.format(self.cause.at))
        if let traceparent = self.cause.traceparent { cause.field("traceparent", traceparent) }
        if let correlationData = self.cause.correlationData { cause.field("correlationData", correlationData) }
        writer.field("cause", raw: cause.finished)
        if !annotations.isEmpty { writer.field("annotations", object: annotations) }
        if let silenced { writer.field("silenced", silenced) }
        if flapping { writer.field("flapping", raw: "true") }
        return writer.finished
    }
}
