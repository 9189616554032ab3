/// Where one alert event stands with one sink.
public struct EventDelivery: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case delivered
        /// Refused for good, with the reason (`HTTP 400`).
        case refused(String)
        case pending
    }

    public var sink: String
    public var state: State

    public init(sink: String, state: State) {
        self.sink = sink
        self.state = state
    }
}
