/// Appends JSON text to a byte buffer: the encoder's side of the payload formats, and the one
/// JSON string escaper of the command-line output.
public enum JSONWriter {
    /// Shortest text that reads back as the same Double: integers without a fraction, `null`
    /// for values JSON cannot carry.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 {
            return value == 0 ? "0" : String(Int64(value))
        }
        return value.description
    }

    /// `text` as a JSON string literal, quotes included.
    public static func string(_ text: String) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(text.utf8.count + 2)
        appendString(text, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Appends a number as ``number(_:)`` writes it (`null` when not finite).
    public static func appendNumber(_ value: Double, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: number(value).utf8)
    }
}
