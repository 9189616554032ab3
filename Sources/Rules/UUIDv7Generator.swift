/// RFC 9562 UUIDv7 ids built from the event time: 48 bits of milliseconds, a 12-bit counter
/// that orders ids of the same millisecond, and 62 random bits.
///
/// `init()` draws from the system's random source; `init(seed:)` is deterministic.
public struct UUIDv7Generator: AlertIDGenerator {
    private var state: UInt64
    private let seeded: Bool
    private var lastTime: Int64 = .min
    private var counter: UInt64 = 0

    public init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
        seeded = false
    }

    public init(seed: UInt64) {
        state = seed
        seeded = true
    }

    /// SplitMix64.
    private mutating func random() -> UInt64 {
        if !seeded {
            var system = SystemRandomNumberGenerator()
            return system.next()
        }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
