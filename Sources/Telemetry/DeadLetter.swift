/// A message the bridge could not (fully) turn into readings, kept with the exact bytes received
/// and every reason, so nothing is silently dropped and it can be re-decoded once the catalog is fixed.
public struct DeadLetter: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var receivedAt: Int64
    /// Every problem found in the message, in payload order; never empty.
    public var reasons: [DeadLetterReason]

    public init(topic: String, payload: [UInt8], receivedAt: Int64, reasons: [DeadLetterReason]) {
        self.topic = topic
        self.payload = payload
        self.receivedAt = receivedAt
        self.reasons = reasons
    }

    public init(message: InboundMessage, reasons: [DeadLetterReason]) {
        self.init(topic: message.topic, payload: message.payload, receivedAt: message.receivedAt, reasons: reasons)
    }

    /// The machine-readable code of the first reason: what dashboards and metrics group by.
    public var code: String { reasons.first?.code ?? "unknown" }

    /// All reasons as one human sentence.
    public var detail: String { reasons.map(\.description).joined(separator: "; ") }
}
