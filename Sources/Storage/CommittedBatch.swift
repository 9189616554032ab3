import Telemetry

/// What one commit stored, handed to a ``CommitObserver`` (e.g. the dashboard's live events).
public struct CommittedBatch: Sendable {
    /// The batch's readings, duplicates of stored ones included, in arrival order.
    public var readings: [Reading]
    /// Alert events in the order the engine produced them, as stored.
    public var alerts: [AlertRecord]
    /// Each alert event's sequence in the alert log (nil: it was already stored).
    public var alertSequences: [Int64?]
    public var deadLetters: [DeadLetter]

    public init(readings: [Reading] = [], alerts: [AlertRecord] = [], alertSequences: [Int64?] = [],
                deadLetters: [DeadLetter] = []) {
        self.readings = readings
        self.alerts = alerts
        self.alertSequences = alertSequences
        self.deadLetters = deadLetters
    }

    /// The alert events newly stored, with their sequences, in log order.
    public var loggedAlerts: [LoggedAlertEvent] {
        zip(alerts, alertSequences).compactMap { record, sequence in
            sequence.map { LoggedAlertEvent(sequence: $0, record: record) }
        }
    }
}

/// Called by the daemon's ingest pipeline after every commit, in commit
/// order, on the ingest thread and under the pipeline's lock: it must return at once (hand the batch
/// off, never wait on a consumer). Absent, ingest pays nothing.
public typealias CommitObserver = @Sendable (CommittedBatch) -> Void
