/// Why (part of) a message could not become readings. Each case has a stable `code` (stored,
/// grouped by in metrics and dashboards) and a human `description` naming the culprit.
public enum DeadLetterReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// No device type's topic template matches the topic.
    case unknownTopic(topic: String)
    /// The topic matched, but the metric taken from it (`{metric}`) is not declared for the type.
    case unknownMetric(deviceType: String, metric: String)
    /// The payload is larger than the configured limit.
    case payloadTooLarge(size: Int, limit: Int)
    /// The payload is not valid UTF-8 where text is expected; `offset` is the first bad byte.
    case invalidUTF8(offset: Int)
    /// The payload is not well-formed JSON (or SenML JSON); `offset` is the byte where parsing failed.
    case malformedJSON(offset: Int, message: String)
    /// The payload is JSON but not of the shape the format needs (e.g. SenML that is not an array).
    case unexpectedShape(message: String)
    /// A metric declared for the device type is absent from the payload.
    case missingMetric(metric: String, path: String)
    /// The value at the metric's path is not a number (nor a boolean or mapped string).
    case notANumber(metric: String, found: String)
    /// The value is NaN or infinite.
    case nonFinite(metric: String)
    /// The value is outside the declared `min`/`max`.
    case outOfRange(metric: String, value: Double, min: Double?, max: Double?)
    /// The timestamp field is present but cannot be read as epoch seconds, epoch ms or ISO 8601.
    case invalidTimestamp(field: String, found: String)
    /// The unit in the payload (SenML `u`/`bu`) differs from the unit the catalog declares.
    case unitMismatch(metric: String, expected: String, found: String)
    /// The event time is further from the receive time than the plausibility window allows
    /// (`ts: -1`, a clock reset to 1970, a year typed wrong).
    case implausibleTimestamp(time: Int64, receivedAt: Int64)
    /// The device type's `allowed_devices` does not list the device id the topic names.
    case deviceNotAllowed(device: String, deviceType: String)
    /// The message names a device not yet known while the bridge already keeps its maximum
    /// number of devices (`max-devices`).
    case deviceLimit(device: String, limit: Int)

    public var code: String {
        switch self {
        case .unknownTopic: "unknown_topic"
        case .unknownMetric: "unknown_metric"
        case .payloadTooLarge: "payload_too_large"
        case .invalidUTF8: "invalid_utf8"
        case .malformedJSON: "malformed_json"
        case .unexpectedShape: "unexpected_shape"
        case .missingMetric: "missing_metric"
        case .notANumber: "not_a_number"
        case .nonFinite: "non_finite"
        case .outOfRange: "out_of_range"
        case .invalidTimestamp: "invalid_timestamp"
        case .unitMismatch: "unit_mismatch"
        case .implausibleTimestamp: "implausible_timestamp"
        case .deviceNotAllowed: "device_not_allowed"
        case .deviceLimit: "device_limit"
        }
    }

    public var description: String {
        switch self {
        case .unknownTopic(let topic):
            "no device type's topic template matches '\(topic)'"
        case .unknownMetric(let type, let metric):
            "device type '\(type)' declares no metric '\(metric)'"
        case .payloadTooLarge(let size, let limit):
            "payload of \(size) bytes exceeds the limit of \(limit) bytes"
        case .invalidUTF8(let offset):
            "payload is not valid UTF-8 (byte \(offset))"
        case .malformedJSON(let offset, let message):
            "malformed JSON at byte \(offset): \(message)"
        case .unexpectedShape(let message):
            message
        case .missingMetric(let metric, let path):
            "metric '\(metric)' missing (no value at '\(path)')"
        case .notANumber(let metric, let found):
            "metric '\(metric)' is not a number: \(found)"
        case .nonFinite(let metric):
            "metric '\(metric)' is not finite"
        case .outOfRange(let metric, let value, let min, let max):
            "metric '\(metric)' value \(Self.format(value)) is outside [\(min.map(Self.format) ?? "-inf"), \(max.map(Self.format) ?? "+inf")]"
        case .invalidTimestamp(let field, let found):
            "timestamp '\(field)' is not epoch seconds, epoch milliseconds or ISO 8601: \(found)"
        case .unitMismatch(let metric, let expected, let found):
            "metric '\(metric)' has unit '\(found)', the catalog declares '\(expected)'"
        case .implausibleTimestamp(let time, let receivedAt):
            "event time \(ISO8601Timestamp.string(time, fraction: .whenNonZero)) is implausibly far from the receive time "
                + "\(ISO8601Timestamp.string(receivedAt, fraction: .whenNonZero)) (max-timestamp-age, max-timestamp-ahead)"
        case .deviceNotAllowed(let device, let type):
            "device '\(device)' is not in the allowed_devices of device type '\(type)'"
        case .deviceLimit(let device, let limit):
            "new device '\(device)' refused: the bridge keeps at most \(limit) devices (max-devices)"
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
