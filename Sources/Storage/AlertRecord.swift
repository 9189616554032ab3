/// One stored alert event (``Kind/raised`` or ``Kind/cleared``), as kept in the append-only alert
/// log. The columns the queries need are broken out; ``event`` is the JSON exactly as published,
/// so the log can be republished or shown without re-encoding.
public struct AlertRecord: Sendable, Hashable {
    /// Which event this is; the raw values are the events' `type` field.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case raised = "AlertRaised"
        case cleared = "AlertCleared"
    }

    /// The event id (UUIDv7 text): its identity, so storing it again is a no-op.
    public var id: String
    public var type: Kind
    /// The rule's alert name.
    public var alert: String
    public var device: String
    /// `info`, `warning` or `critical`; absent on cleared events that do not repeat it.
    public var severity: String?
    /// Event time, ms since the epoch.
    public var at: Int64
    /// For a cleared event, the id of the raised event it ends.
    public var raisedID: String?
    /// The value that raised or cleared the alert. NaN is stored as `nil`.
    public var value: Double?
    /// The event's JSON, byte for byte as published.
    public var event: String

    public init(
        id: String, type: Kind, alert: String, device: String, severity: String? = nil, at: Int64,
        raisedID: String? = nil, value: Double? = nil, event: String
    ) {
        self.id = id
        self.type = type
        self.alert = alert
        self.device = device
        self.severity = severity
        self.at = at
        self.raisedID = raisedID
        self.value = value
        self.event = event
    }
}
