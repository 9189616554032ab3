import Telemetry

/// Small text helpers for replay output: times, values, durations, CSV fields, padding.
enum ReplayText {
    /// ISO 8601 UTC with milliseconds only when not zero, like the events' `at`.
    static func time(_ milliseconds: Int64) -> String {
        ISO8601Timestamp.string(milliseconds, fraction: .whenNonZero)
    }

    static func value(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// `+1m30s`, `-2h`, `+250ms`.
    static func shift(_ milliseconds: Int64) -> String {
        let sign = milliseconds < 0 ? "-" : "+"
        var rest = milliseconds.magnitude
        guard rest >= 1000 else { return sign + "\(rest)ms" }
        var text = ""
        for (unit, size) in [("d", UInt64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        if rest > 0 { text += "\(rest)ms" }
        return sign + text
    }

    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        JSONWriter.string(text)
    }
}
