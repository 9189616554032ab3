/// One checked, compiled alert rule from a `Rules/*.yaml` file.
public struct Rule: Sendable, Hashable {
    /// The alert's name (`alert:`), unique in a rule set.
    public var name: String
    public var devices: DeviceSelector
    public var severity: Severity
    /// How long `when` must hold (event time, ms) before the alert is raised.
    public var holdFor: Int64
    /// `clear_for`: how long (ms) the clear condition must hold before the alert clears.
    public var clearFor: Int64
    /// `keep_firing_for`: how long (ms) the alert stays firing once it would clear, unless `when`
    /// holds again meanwhile (Prometheus' `keep_firing_for`).
    public var keepFiringFor: Int64
    /// `flapping:` thresholds, if set.
    public var flapping: FlapDetection?
    public var labels: [String: String]
    public var annotations: [String: String]
    /// Where the rule is defined, for messages.
    public var file: String
    public var line: Int
    /// A normalised rendering of the whole definition: equal texts mean equal behaviour. Reload
    /// keeps the state of rules whose canonical text is unchanged.
    public var canonicalText: String

    var when: Program
    var clear: Program?
    var filter: Expression?
    var labelTests: [Expression]
    var message: MessageTemplate
    /// `silent()` or `age()`: the result changes with time alone, so `advance(to:)` re-evaluates.
    var dependsOnTime: Bool
    /// No comparison to take the value from, but `silent()`: the value is the seconds of silence.
    var valueIsSilence: Bool
    /// `RuleSet` metric indexes the expressions read (a reading of one of them re-evaluates).
    var metrics: [Int]
    /// `RuleSet` window indexes the expressions read.
    var windows: [Int]
    /// Metric names a device type must have for the rule to apply to its devices.
    var requiredMetrics: Set<String>
    /// The parsed conditions, for `rules explain`.
    var whenExpression: Expression?
    var clearExpression: Expression?
}
