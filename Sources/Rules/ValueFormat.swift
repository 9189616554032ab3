/// How numbers appear in alert messages (in event JSON they are `JSONWriter` numbers).
enum ValueFormat {
    /// Message text: at most two decimals (three significant digits below 1), no trailing zeros.
    static func message(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        var decimals = 2
        if magnitude < 1 {
            decimals = 3
            var scaled = magnitude
            while scaled < 0.1, decimals < 12 {
                scaled *= 10
                decimals += 1
            }
        }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        var text = String(rounded)
        if text.contains("e") { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
