import Telemetry

/// Durations in rule files (`for: 2m`) and rule tests (`interval: 1m`, `at: 90s`), in milliseconds.
///
/// Delegates to Telemetry's `DurationParser` so catalog and rule files read time spans the same
/// way; additionally accepts a bare `0`, the natural way to write "no delay".
enum RuleDuration {
    static func milliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces
        if trimmed == "0" { return 0 }
        return DurationParser.milliseconds(trimmed)
    }

    static func format(_ milliseconds: Int64) -> String {
        DurationParser.format(milliseconds: milliseconds)
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
