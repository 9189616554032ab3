/// Messages read from the socket in one go, handed to the handler together.
///
/// Their acknowledgements are sent only after the handler returns; if it throws, none is.
public struct MQTTBatch: Sendable {
    public var messages: [MQTTMessage]

    public init(messages: [MQTTMessage]) {
        self.messages = messages
    }

    public var count: Int { messages.count }
    public var isEmpty: Bool { messages.isEmpty }
}
