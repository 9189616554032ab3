/// An event a sink refused for good (a webhook answering 400): the sink's dead letter. Delivery
/// goes on past it; the refusal keeps the reason and the response for the operator.
public struct DeliveryRefusal: Sendable, Hashable {
    public var sequence: Int64
    public var eventID: String
    /// Short reason, e.g. `HTTP 400`.
    public var reason: String
    /// The response body (cut to ``maximumResponseBytes``).
    public var response: String
    /// Wall-clock ms of the refusal.
    public var at: Int64

    /// Bytes of a response body kept with a refusal.
    public static let maximumResponseBytes = 4096

    public init(sequence: Int64, eventID: String, reason: String, response: String, at: Int64) {
        self.sequence = sequence
        self.eventID = eventID
        self.reason = reason
        self.response = String(decoding: response.utf8.prefix(Self.maximumResponseBytes), as: UTF8.self)
        self.at = at
    }
}
