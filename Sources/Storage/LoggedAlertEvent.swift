/// An alert event with its position in the alert log: what a sink delivers, in `sequence` order,
/// and confirms by moving its cursor (``TelemetryStore/advanceDeliveryCursor(sink:to:at:)``).
public struct LoggedAlertEvent: Sendable, Hashable {
    /// Position in the log (the row's insertion order); increases with every stored event.
    public var sequence: Int64
    public var record: AlertRecord

    public init(sequence: Int64, record: AlertRecord) {
        self.sequence = sequence
        self.record = record
    }
}
