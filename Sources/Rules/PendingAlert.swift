/// A (rule, device) pair whose `when` holds but whose `for` has not run out yet: an alert that
/// will be raised at ``firesAt`` unless its condition stops holding first.
public struct PendingAlert: Sendable, Hashable {
    /// The rule's alert name.
    public var alert: String
    public var device: String
    public var severity: Severity
    /// Event time (ms) since which `when` has held.
    public var since: Int64
    /// `since` plus the rule's `for`: when the alert is raised if `when` keeps holding.
    public var firesAt: Int64

    public init(alert: String, device: String, severity: Severity, since: Int64, firesAt: Int64) {
        self.alert = alert
        self.device = device
        self.severity = severity
        self.since = since
        self.firesAt = firesAt
    }
}
