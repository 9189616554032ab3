import Telemetry

/// Times given on the command line: ISO 8601 (`2026-11-23T10:00:00Z`), epoch milliseconds,
/// `now`, or relative to now (`-24h`, `-15m`).
public enum TimeArgument {
    public struct InvalidTime: Error, CustomStringConvertible {
        public var option: String
        public var value: String
        public var description: String {
            "invalid --\(option) '\(value)': expected ISO 8601 (2026-11-23T10:00:00Z), epoch milliseconds, now, or relative such as -24h"
        }
    }

    /// Milliseconds since the epoch.
    public static func parse(_ text: String, option: String, now: Int64) throws(InvalidTime) -> Int64 {
        if text == "now" { return now }
        if text.hasPrefix("-"), let ago = DurationParser.milliseconds(String(text.dropFirst())) {
            return now - ago
        }
        if let milliseconds = Int64(text) { return milliseconds }
        if let parsed = TimestampParser.milliseconds(text: text) { return parsed }
        throw InvalidTime(option: option, value: text)
    }
}
