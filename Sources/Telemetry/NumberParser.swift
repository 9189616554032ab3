#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads JSON numbers straight from payload bytes: a hand-written fast path for the usual short
/// decimals (exact when the digits fit a Double and the power of ten is small), `strtod` on a
/// stack copy for everything else.
enum NumberParser {
    enum Scan {
        case number(end: Int, value: Double)
        case invalid(at: Int)
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Scans one number (RFC 8259 grammar) starting at `start`. The value is only computed when
    /// `convert` is set; otherwise the grammar is checked and `value` is 0. Overflow gives ±inf.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, convert: Bool) -> Scan {
        let count = bytes.count
        var index = start
        var negative = false
        if index < count && bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var exact = true

        guard index < count else { return .invalid(at: index) }
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            index += 1
        } else if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significant += 1
                } else {
                    exponent += 1
                    if digit != 0 { exact = false }
                }
                index += 1
            }
        } else {
            return .invalid(at: index)
        }

        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if digit != 0 {
                    exact = false
                }
                index += 1
            }
            guard index > fractionStart else { return .invalid(at: index) }
        }

        if index < count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var negativeExponent = false
            if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let digitsStart = index
            var explicit = 0
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if explicit < 100_000 { explicit = explicit * 10 + Int(digit) }
                index += 1
            }
            guard index > digitsStart else { return .invalid(at: index) }
            exponent += negativeExponent ? -explicit : explicit
        }

        guard convert else { return .number(end: index, value: 0) }
        if mantissa == 0 && exact {
            return .number(end: index, value: negative ? -0.0 : 0.0)
        }
        if exact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            value = exponent >= 0 ? value * powersOfTen[exponent] : value / powersOfTen[-exponent]
            return .number(end: index, value: negative ? -value : value)
        }
        return .number(end: index, value: slowParse(bytes, from: start, to: index))
    }

    /// The exact integer value of `bytes[start..<end]` when it is a plain integer literal that fits.
    static func int64(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int64? {
        var index = start
        var negative = false
        if index < end && bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < end, end - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// Correctly rounded conversion of an already validated number token.
    private static func slowParse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Double {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Double in
            for offset in 0..<length { buffer[offset] = CChar(bitPattern: bytes[start + offset]) }
            buffer[length] = 0
            guard let base = buffer.baseAddress else { return .nan }
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &stop)
            if let stop, stop - base == length { return value }
            // A locale with another decimal separator: Swift's parser is locale-independent.
            return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) ?? .nan
        }
    }
}
