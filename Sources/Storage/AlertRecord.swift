/// One stored event of the append-only alert log: the engine's raises and clears, and operators'
/// acknowledgements and silences. The columns the queries need are broken out; ``event`` is the JSON exactly as published,
/// so the log can be republished or shown without re-encoding.
public struct AlertRecord: Sendable, Hashable {
    /// Which event this is; the raw values are the events' `type` field.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case raised = "AlertRaised"
        case cleared = "AlertCleared"
        case acknowledged = "AlertAcknowledged"
        case silenceCreated = "SilenceCreated"
        case silenceExpired = "SilenceExpired"

        public var isEngineEvent: Bool { self == .raised || self == .cleared }
    }

    /// The event id (UUIDv7 text): its identity, so storing it again is a no-op.
    public var id: String
    public var type: Kind
    /// The rule's alert name (a silence: its alert matcher, or empty).
    public var alert: String
    /// The device (a silence: its device matcher, or empty).
    public var device: String
    /// `info`, `warning` or `critical`; absent on cleared events that do not repeat it.
    public var severity: String?
    /// Event time, ms since the epoch.
    public var at: Int64
    /// The event this one refers to: the raise a clear ends or an acknowledgement acknowledges,
    /// the silence an expiry ends.
    public var raisedID: String?
    /// The value that raised or cleared the alert. NaN is stored as `nil`.
    public var value: Double?
    /// The event's JSON, byte for byte as published.
    public var event: String
    /// Why notifying sinks hold a raise or clear back: the silence id or `maintenance:<name>` of
    /// its `silenced` field, else `flapping` when it has `"flapping": true` (the engine's
    /// `AlertEvent.heldBackBy`).
    public var silenced: String?

    /// Whether notifying sinks skip it (a silence, maintenance window or flapping marked it).
    public var isSilenced: Bool { silenced != nil }

    public init(
        id: String, type: Kind, alert: String, device: String, severity: String? = nil, at: Int64,
        raisedID: String? = nil, value: Double? = nil, event: String, silenced: String? = nil
    ) {
        self.silenced = silenced
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
