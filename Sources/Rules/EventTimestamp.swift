import Telemetry

/// ISO 8601 UTC timestamps for events: `2026-11-23T10:15:00Z`, with `.SSS` only when the
/// milliseconds are not zero. The catalog's formatter and parser, so events, exports and
/// payloads agree on one notation.
enum EventTimestamp {
    static func format(_ milliseconds: Int64) -> String {
        ISO8601Timestamp.string(milliseconds, fraction: .whenNonZero)
    }

    /// Parses what `format` writes (and the other ISO 8601 forms payloads use).
    static func parse(_ text: String) -> Int64? {
        TimestampParser.milliseconds(text: text)
    }
}
