/// What `telemetry-bridge simulate` publishes.
public struct SimulatorConfiguration: Sendable {
    /// Devices created for each device type in the catalog.
    public var devicesPerType: Int = 5
    /// Messages per second over the whole fleet; 0 publishes as fast as the broker takes them.
    public var rate: Double = 10
    /// Stop after this many milliseconds (wall clock).
    public var duration: Int64?
    /// Stop after this many messages.
    public var count: Int?
    public var qos: Int = 1
    public var seed: UInt64 = 1
    /// Spikes, stuck values and silent devices, now and then.
    public var anomalies: Bool = false
    /// Share of messages (0...1) replaced by malformed or out-of-range payloads.
    public var malformedShare: Double = 0
    /// Only these device types (all when nil).
    public var types: [String]?
    /// Virtual time: the event time of the first round (ms since the epoch). With `step`, history
    /// is published as fast as `rate` allows instead of at the wall clock's pace.
    public var start: Int64?
    /// Virtual time: how far event time moves per round of the whole fleet (ms).
    public var step: Int64?

    public init() {}
}
