import Storage

/// One way a candidate history (a replay, a draft rule set) differs from a baseline (the live
/// log, the current rules).
public struct AlertDifference: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable, CaseIterable {
        /// Only the candidate has the event.
        case added
        /// Only the baseline has the event.
        case removed
        /// Both have it, at different times.
        case moved
    }

    public var change: Change
    public var type: AlertRecord.Kind
    public var alert: String
    public var device: String
    /// The baseline's time, or the candidate's for an added event (ms since the epoch).
    public var at: Int64
    /// For a moved event: candidate time minus baseline time (ms); otherwise 0.
    public var shift: Int64

    public init(change: Change, type: AlertRecord.Kind, alert: String, device: String, at: Int64, shift: Int64 = 0) {
        self.change = change
        self.type = type
        self.alert = alert
        self.device = device
        self.at = at
        self.shift = shift
    }
}
