import Telemetry

/// RFC 9562 UUIDv7 ids built from the event time: 48 bits of milliseconds, a 12-bit counter
/// that orders ids of the same millisecond, and 62 random bits.
///
/// `init()` draws from the system's random source; `init(seed:)` is deterministic.
public struct UUIDv7Generator: AlertIDGenerator {
    /// Nil: the system's random source.
    private var seeded: SplitMix64?
    private var lastTime: Int64 = .min
    private var counter: UInt64 = 0

    public init() {
        seeded = nil
    }

    public init(seed: UInt64) {
        seeded = SplitMix64(seed: seed)
    }

    private mutating func random() -> UInt64 {
        if seeded == nil {
            var system = SystemRandomNumberGenerator()
            return system.next()
        }
        return seeded?.next() ?? 0
    }

    public mutating func next(at time: Int64) -> String {
        if time == lastTime {
            counter = (counter + 1) & 0xFFF
        } else {
            lastTime = time
            counter = random() & 0x7FF
        }
        let ms = UInt64(bitPattern: time) & 0xFFFF_FFFF_FFFF
        let high = (ms << 16) | (0x7 << 12) | counter
        let low = (random() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = Self.hex(high, digits: 16) + Self.hex(low, digits: 16)
        let chars = Array(hex)
        return String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-"
            + String(chars[16..<20]) + "-" + String(chars[20..<32])
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }
}
