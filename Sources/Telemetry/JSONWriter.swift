/// Appends JSON text to byte buffers: the one JSON writer of the project (alert events, exports,
/// API answers, live events, simulated payloads, Alertmanager bodies).
///
/// Strings: `"` and `\` escaped, control characters as `\n`, `\r`, `\t`, `\b`, `\f` or
/// `\u00XX`, everything else copied as UTF-8 (no `\u` escapes for non-ASCII: JSON is UTF-8).
/// Numbers: the shortest text that reads back as the same Double (`21`, `-0`, `21.5`, `1e-05`),
/// `null` where JSON has no number (NaN, infinities). Objects of strings: keys in UTF-8 byte order,
/// so equal dictionaries always have the same text.
public enum JSONWriter {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `text` as a JSON string literal, quotes included.
    public static func string(_ text: String) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(text.utf8.count + 2)
        appendString(text, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// `value` as JSON number text (`null` when not finite).
    public static func number(_ value: Double) -> String {
        var buffer: [UInt8] = []
        appendNumber(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends `string` as a JSON string literal, quotes included; runs without escapes are
    /// copied at once.
    public static func appendString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                }
                start = index + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): output.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): output.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                               hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            if start < bytes.count {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends a number as ``number(_:)`` writes it.
    public static func appendNumber(_ value: Double, to output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        appendShortest(value, to: &output)
    }

    /// The shortest round-trip text of `value`; `nan`, `inf`, `-inf` for non-finite values (for
    /// CSV, where they are values, not JSON's absence of one).
    public static func appendShortest(_ value: Double, to output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: value.description.utf8)
            return
        }
        if value == value.rounded(.towardZero), Swift.abs(value) < 1e15 {
            appendInteger(Int64(value), negativeZero: value == 0 && value.sign == .minus, to: &output)
            return
        }
        // Readings mostly have a few decimals: written exactly without the general algorithm.
        // `scaled / scale == value` means the decimal text reads back as the same Double.
        var scale = 10.0
        for digits in 1...3 {
            let scaled = (value * scale).rounded()
            if Swift.abs(scaled) < 1e15, scaled / scale == value {
                let magnitude = Int64(scaled).magnitude
                let divisor = UInt64(scale)
                if value < 0 { output.append(UInt8(ascii: "-")) }
                appendDigits(magnitude / divisor, width: 1, to: &output)
                output.append(UInt8(ascii: "."))
                var fraction = magnitude % divisor
                var width = digits
                while fraction % 10 == 0, width > 1 {
                    fraction /= 10
                    width -= 1
                }
                appendDigits(fraction, width: width, to: &output)
                return
            }
            scale *= 10
        }
        output.append(contentsOf: value.description.utf8)
    }

    /// Appends an integer; `negativeZero` writes `-0` (a Double's sign kept).
    public static func appendInteger(_ value: Int64, negativeZero: Bool = false, to output: inout [UInt8]) {
        if value < 0 || negativeZero { output.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, width: 1, to: &output)
    }

    /// Appends `{"k":"v",...}` with keys in UTF-8 byte order (the order SQLite and most JSON
    /// tools sort text in).
    public static func appendObject(_ dictionary: [String: String], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        var first = true
        for key in dictionary.keys.sorted(by: isOrderedBefore) {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            appendString(key, to: &output)
            output.append(UInt8(ascii: ":"))
            appendString(dictionary[key] ?? "", to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Orders by UTF-8 bytes.
    public static func isOrderedBefore(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Appends the decimal digits of `value`, zero-padded on the left to at least `width`.
    private static func appendDigits(_ value: UInt64, width: Int, to output: inout [UInt8]) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        count = max(count, width)
        let end = output.count + count
        output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        rest = value
        var index = end - 1
        while rest > 0 {
            output[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
    }
}
