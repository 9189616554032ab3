/// What a topic template read out of one concrete topic.
public struct TopicMatch: Sendable, Hashable {
    /// The `{device}` level.
    public var device: String
    /// Every other placeholder except `{metric}`, by name.
    public var labels: [String: String]
    /// The `{metric}` level, when the template has one (`format: value`).
    public var metric: String?

    public init(device: String, labels: [String: String] = [:], metric: String? = nil) {
        self.device = device
        self.labels = labels
        self.metric = metric
    }
}
