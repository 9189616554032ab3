/// What a message says about the request or trace it belongs to: its MQTT 5 `correlation-data`
/// and a W3C trace context `traceparent` user property. Carried into the `cause` of the alert
/// events the message's readings trigger, so an alert can be traced back to the reading.
///
/// Bounded: correlation data longer than ``maximumCorrelationBytes`` and a `traceparent` that is
/// not of the W3C form are dropped (a hostile publisher cannot make every alert event huge).
public struct MessageTrace: Sendable, Hashable {
    /// W3C `traceparent`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`.
    public var traceparent: String?
    public var correlationData: [UInt8]?

    /// Longest correlation data kept.
    public static let maximumCorrelationBytes = 256

    /// Nil when neither part is present and valid.
    public init?(traceparent: String?, correlationData: [UInt8]?) {
        let traceparent = traceparent.flatMap { Self.isTraceparent($0) ? $0 : nil }
        let correlationData = correlationData.flatMap { !$0.isEmpty && $0.count <= Self.maximumCorrelationBytes ? $0 : nil }
        guard traceparent != nil || correlationData != nil else { return nil }
        self.traceparent = traceparent
        self.correlationData = correlationData
    }

    /// `version-traceid-parentid-flags` in lower-case hex (2-32-16-2), trace and parent ids not all zero.
    public static func isTraceparent(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-") else {
            return false
        }
        let hex: (UInt8) -> Bool = { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        for (index, byte) in bytes.enumerated() where index != 2 && index != 35 && index != 52 {
            guard hex(byte) else { return false }
        }
        guard bytes[0..<2] != [0x66, 0x66] else { return false }  // version ff is invalid
        return bytes[3..<35].contains { $0 != 0x30 } && bytes[36..<52].contains { $0 != 0x30 }
    }
}
