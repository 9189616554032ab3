/// One entry of the device catalog (one `Devices/*.yaml` file): how to recognise a device's
/// topics and turn its payloads into readings.
public struct DeviceType: Sendable, Hashable {
    public var name: String
    public var description: String
    /// The payload schema version this definition describes.
    public var version: Int
    public var topic: TopicTemplate
    public var format: PayloadFormat
    /// JSON path of the event time (`json` only); absent means receive time.
    public var timestampPath: String?
    /// JSON path of a per-device message counter (`json` only).
    public var sequencePath: String?
    /// Expected reporting period in milliseconds.
    public var interval: Int64?
    /// Metrics in file order.
    public var metrics: [MetricDefinition]
    /// Device ids this type accepts (`allowed_devices:` globs); empty accepts any. A message of
    /// another id is a `device_not_allowed` dead letter: publishers cannot invent devices.
    public var allowedDevices: [GlobPattern]

    public init(
        name: String, description: String = "", version: Int = 1, topic: TopicTemplate, format: PayloadFormat,
        timestampPath: String? = nil, sequencePath: String? = nil, interval: Int64? = nil,
        metrics: [MetricDefinition], allowedDevices: [GlobPattern] = []
    ) {
        self.allowedDevices = allowedDevices
        self.name = name
        self.description = description
        self.version = version
        self.topic = topic
        self.format = format
        self.timestampPath = timestampPath
        self.sequencePath = sequencePath
        self.interval = interval
        self.metrics = metrics
    }

    /// Whether `device` may report as this type.
    public func allows(device: String) -> Bool {
        allowedDevices.isEmpty || allowedDevices.contains { $0.matches(device) }
    }

    public func metric(named name: String) -> MetricDefinition? {
        metrics.first { $0.name == name }
    }
}
