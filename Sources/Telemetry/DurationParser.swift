/// Parses the durations operators write in catalog and rule files (`30s`, `5m`, `1h30m`,
/// `250ms`, `7d`, `1.5h`), so every file format reads time spans the same way.
///
/// Units: `ms`, `s`, `m`, `h`, `d`, `w`. Components may be combined, largest first or not
/// (`1h30m`); a bare number without a unit is rejected, because `30` is ambiguous.
public enum DurationParser {
    /// The duration in milliseconds, or nil when `text` is not a duration or overflows.
    public static func milliseconds(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)[...]
        while let first = bytes.first, first == UInt8(ascii: " ") { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") { bytes = bytes.dropLast() }
        guard !bytes.isEmpty else { return nil }

        var total: Double = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let numberStart = index
            var sawDot = false
            while index < bytes.endIndex {
                let byte = bytes[index]
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    index += 1
                } else if byte == UInt8(ascii: ".") && !sawDot {
                    sawDot = true
                    index += 1
                } else {
                    break
                }
            }
            guard index > numberStart,
                  let amount = Double(String(decoding: bytes[numberStart..<index], as: UTF8.self))
            else { return nil }

            let unitStart = index
            while index < bytes.endIndex, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") {
                index += 1
            }
            let unit: Double
            switch String(decoding: bytes[unitStart..<index], as: UTF8.self) {
            case "ms": unit = 1
            case "s": unit = 1_000
            case "m": unit = 60_000
            case "h": unit = 3_600_000
            case "d": unit = 86_400_000
            case "w": unit = 604_800_000
            default: return nil
            }
            total += amount * unit
        }
        guard total.isFinite, total < 9.2e18 else { return nil }
        return Int64(total.rounded())
    }

    /// The shortest text `milliseconds(_:)` reads back as the same span (`90000` gives `1m30s`).
    public static func format(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds.magnitude
        var text = milliseconds < 0 ? "-" : ""
        for (unit, size) in [("d", UInt64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
            let count = rest / size
            if count > 0 {
                text += "\(count)\(unit)"
                rest -= count * size
            }
        }
        return text
    }
}
