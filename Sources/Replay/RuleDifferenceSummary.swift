/// Per rule: how many events each side has, and how many were added, removed or moved.
public struct RuleDifferenceSummary: Sendable, Hashable {
    public var alert: String
    /// Events (raised and cleared) on the baseline side.
    public var baseline = 0
    /// Events (raised and cleared) on the candidate side.
    public var candidate = 0
    public var added = 0
    public var removed = 0
    public var moved = 0
    /// Events each side would send to notifying sinks (Alertmanager, webhooks): the others are
    /// held back by silences, maintenance windows or flapping.
    public var baselineNotifications = 0
    public var candidateNotifications = 0

    /// Notifications the candidate saves over the baseline (negative: it sends more).
    public var savedNotifications: Int { baselineNotifications - candidateNotifications }

    public init(alert: String) {
        self.alert = alert
    }

    public var isIdentical: Bool { added == 0 && removed == 0 && moved == 0 }
}
