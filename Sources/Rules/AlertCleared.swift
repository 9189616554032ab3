/// A firing alert stopped: its `clear` condition (or, without one, the negation of `when`) held.
public struct AlertCleared: Sendable, Hashable {
    public var id: String
    /// The `id` of the `AlertRaised` this ends.
    public var raisedId: String
    public var alert: String
    public var device: String
    /// The severity of the raise this ends: a clear goes where its raise went (topic, receivers)
    /// even when its rule has been removed or changed since. Nil only in events stored before
    /// clears carried it.
    public var severity: Severity?
    /// The same sub-expression as `AlertRaised.value`, evaluated when clearing.
    public var value: Double?
    public var at: Int64
    public var raisedAt: Int64
    /// The raise's silence: a clear goes only where its raise went.
    public var silenced: String?
    /// Raised while the rule was flapping (see ``FlapDetection``), or the clear of such a raise:
    /// notifying sinks hold it back.
    public var flapping: Bool

    public init(id: String, raisedId: String, alert: String, device: String, severity: Severity?, value: Double?,
                at: Int64, raisedAt: Int64, silenced: String? = nil, flapping: Bool = false)
    {
        self.id = id
        self.raisedId = raisedId
        self.alert = alert
        self.device = device
        self.severity = severity
        self.value = value
        self.at = at
        self.raisedAt = raisedAt
        self.silenced = silenced
        self.flapping = flapping
    }

    /// The event as the README shows it ("Rules and alerts", **Events**), fields in that order;
    /// `silenced` only when set.
    public var json: String {
        var writer = JSONObjectBuilder()
        writer.field("type", "AlertCleared")
        writer.field("schema", raw: "1")
        writer.field("id", id)
        writer.field("raisedId", raisedId)
        writer.field("alert", alert)
        writer.field("device", device)
        if let severity { writer.field("severity", severity.rawValue) }
        writer.field("value", number: value)
        writer.field("at", EventTimestamp.format(at))
        writer.field("raisedAt", EventTimestamp.format(raisedAt))
        if let silenced { writer.field("silenced", silenced) }
        if flapping { writer.field("flapping", raw: "true") }
        return writer.finished
    }
}
