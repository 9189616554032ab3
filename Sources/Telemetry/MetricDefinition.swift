/// One metric a device type reports, where to find it in the payload and what values are valid.
public struct MetricDefinition: Sendable, Hashable {
    /// The metric's name in readings, rules and dashboards.
    public var name: String
    /// Where the value is: a dotted JSON path (`power.battery`, `values.0`) for `json`, the
    /// topic's `{metric}` level for `value`, the SenML record name for `senml`.
    public var path: String
    public var unit: String?
    /// Inclusive bounds; a value outside them is dead-lettered as out of range.
    public var min: Double?
    public var max: Double?
    /// An absent optional metric is skipped instead of being reported missing.
    public var optional: Bool
    /// Turns string payload values into numbers (`ON: 1`, `OFF: 0`).
    public var valueMap: [String: Double]

    public init(
        name: String, path: String? = nil, unit: String? = nil, min: Double? = nil, max: Double? = nil,
        optional: Bool = false, valueMap: [String: Double] = [:]
    ) {
        self.name = name
        self.path = path ?? name
        self.unit = unit
        self.min = min
        self.max = max
        self.optional = optional
        self.valueMap = valueMap
    }
}
