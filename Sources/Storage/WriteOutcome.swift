/// What one committed ``IngestBatch`` changed.
public struct WriteOutcome: Sendable, Hashable {
    /// Readings newly stored.
    public var insertedReadings: Int
    /// Readings whose identity was already stored (or repeated in the batch): not stored again.
    public var duplicateReadings: Int
    /// Readings not stored because their value is NaN (SQLite cannot store it as a number).
    public var rejectedReadings: Int
    /// Dead letters stored.
    public var deadLetters: Int
    /// Series created by this batch.
    public var newSeries: Int
    /// Devices registered by this batch.
    public var newDevices: Int
    /// Alert events newly stored (those whose id was already stored are not counted).
    public var alerts: Int
    /// Each of the batch's alert events' position in the alert log (its sequence), in batch
    /// order; nil for one already stored. What a sink needs to deliver them straight away.
    public var alertSequences: [Int64?] = []

    public init(
        insertedReadings: Int = 0,
        duplicateReadings: Int = 0,
        rejectedReadings: Int = 0,
        deadLetters: Int = 0,
        newSeries: Int = 0,
        newDevices: Int = 0,
        alerts: Int = 0
    ) {
        self.insertedReadings = insertedReadings
        self.duplicateReadings = duplicateReadings
        self.rejectedReadings = rejectedReadings
        self.deadLetters = deadLetters
        self.newSeries = newSeries
        self.newDevices = newDevices
        self.alerts = alerts
    }
}
