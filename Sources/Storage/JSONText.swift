/// Byte-level JSON output helpers shared by the labels column and the export writers.
enum JSONText {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `string` as a JSON string literal (quotes included), escaping `"`, `\` and
    /// control characters; everything else is copied as UTF-8.
    static func appendString(_ string: String, to output: inout [UInt8]) {
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

    /// Appends a JSON object of string values with keys in ascending (code point) order, so
    /// equal label sets always have the same text.
    static func appendObject(_ labels: [String: String], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        var first = true
        for key in labels.keys.sorted(by: isOrderedBefore) {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            appendString(key, to: &output)
            output.append(UInt8(ascii: ":"))
            appendString(labels[key] ?? "", to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Orders by UTF-8 bytes (the order SQLite and most JSON tools sort text in).
    static func isOrderedBefore(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Appends a number in the shortest form that reads back as the same `Double`
    /// (`21` rather than `21.0`); `null` for NaN and infinities, which JSON cannot express.
    static func appendNumber(_ value: Double, to output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        appendShortest(value, to: &output)
    }

    /// The shortest round-trip text of `value` (`nan`, `inf`, `-inf` for non-finite values).
    static func appendShortest(_ value: Double, to output: inout [UInt8]) {
        if value.isFinite, value == value.rounded(.towardZero), abs(value) < 1e15 {
            appendInteger(Int64(value), negativeZero: value == 0 && value.sign == .minus, to: &output)
            return
        }
        output.append(contentsOf: value.description.utf8)
    }

    static func appendInteger(_ value: Int64, negativeZero: Bool = false, to output: inout [UInt8]) {
        if value == 0 {
            if negativeZero { output.append(contentsOf: "-0".utf8) } else { output.append(UInt8(ascii: "0")) }
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if value < 0 { output.append(UInt8(ascii: "-")) }
            while count > 0 {
                count -= 1
                output.append(buffer[count])
            }
        }
    }
}
