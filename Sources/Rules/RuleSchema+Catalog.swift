import Telemetry

extension RuleSchema {
    /// What the rules may refer to, taken from the device catalog: each type's metrics, labels
    /// and reporting interval.
    public init(catalog: DeviceCatalog, knownDevices: [String: String] = [:]) {
        self.init(
            types: catalog.types.map {
                DeviceTypeSchema(name: $0.name, metrics: $0.metrics.map(\.name), labels: $0.topic.labels, interval: $0.interval)
            },
            knownDevices: knownDevices
        )
    }
}
