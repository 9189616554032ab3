import Telemetry

/// Everything one ingest round stores, committed atomically by ``TelemetryStore/write(_:)``.
public struct IngestBatch: Sendable {
    /// The devices the batch's messages came from. New ones are registered; a changed `type` or
    /// `labels` updates the stored row; every one's `last_seen` becomes at least ``observedAt``.
    public var devices: [Device]
    /// Units of the series, applied when a series is created and updated when they change.
    /// Series absent from the map keep their stored unit (none for a new series).
    public var units: [SeriesKey: String]
    /// Readings to append. A reading whose identity (device, metric, timestamp) is already stored,
    /// or repeated in the batch, is a duplicate: the first value is kept.
    /// A reading of a device neither in ``devices`` nor stored registers that device with type
    /// `"unknown"`, so no reading is lost.
    public var readings: [Reading]
    /// Messages that could not (fully) be decoded, stored with their exact payload bytes.
    public var deadLetters: [DeadLetter]
    /// When the bridge received the batch, in milliseconds since the epoch: devices' seen times.
    public var observedAt: Int64
    /// Alert events to append to the alert log, in the same transaction as the readings. An event
    /// whose id is already stored is skipped, so a redelivered batch does not double it.
    public var alerts: [AlertRecord]

    public init(
        devices: [Device] = [],
        units: [SeriesKey: String] = [:],
        readings: [Reading] = [],
        deadLetters: [DeadLetter] = [],
        observedAt: Int64,
        alerts: [AlertRecord] = []
    ) {
        self.devices = devices
        self.units = units
        self.readings = readings
        self.deadLetters = deadLetters
        self.observedAt = observedAt
        self.alerts = alerts
    }
}
