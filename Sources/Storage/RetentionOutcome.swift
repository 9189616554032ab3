/// What one ``TelemetryStore/applyRetention(_:now:)`` run deleted.
public struct RetentionOutcome: Sendable, Hashable {
    /// Raw readings deleted (both reading tables).
    public var readings = 0
    public var minuteRollups = 0
    public var hourRollups = 0
    /// Write transactions used; ingest could write between any two of them.
    public var transactions = 0

    public init(readings: Int = 0, minuteRollups: Int = 0, hourRollups: Int = 0, transactions: Int = 0) {
        self.readings = readings
        self.minuteRollups = minuteRollups
        self.hourRollups = hourRollups
        self.transactions = transactions
    }
}
