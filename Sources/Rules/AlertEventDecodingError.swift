/// Why stored event JSON could not be read back.
public struct AlertEventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { "cannot decode alert event: \(message)" }
}
