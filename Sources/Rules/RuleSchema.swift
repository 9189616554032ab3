/// What the rules checker needs to know about the device catalog: each device type's metrics,
/// labels and expected reporting interval.
///
/// A plain value so rules can be checked and tested without the catalog; the daemon builds it
/// from `DeviceCatalog`.
public struct RuleSchema: Sendable, Hashable {
    /// One device type as the rules see it.
    public struct DeviceTypeSchema: Sendable, Hashable {
        public var name: String
        public var metrics: [String]
        /// Label names the type's topic template yields (`{site}` gives `site`).
        public var labels: [String]
        /// Expected reporting period in milliseconds; `silent()` without a window is three of them.
        public var interval: Int64?

        public init(name: String, metrics: [String], labels: [String] = [], interval: Int64? = nil) {
            self.name = name
            self.metrics = metrics
            self.labels = labels
            self.interval = interval
        }
    }

    public var types: [String: DeviceTypeSchema]
    /// Device ids whose type is known in advance, so rule tests may omit `type`.
    public var knownDevices: [String: String]

    public init(types: [DeviceTypeSchema], knownDevices: [String: String] = [:]) {
        var byName: [String: DeviceTypeSchema] = [:]
        for type in types { byName[type.name] = type }
        self.types = byName
        self.knownDevices = knownDevices
    }

    /// Type names in a stable order, for messages and suggestions.
    var typeNames: [String] { types.keys.sorted() }
}
