import Foundation

/// The system clock in the bridge's unit of time: milliseconds since the Unix epoch, UTC.
public enum WallClock {
    @Sendable public static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
