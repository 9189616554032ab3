import Foundation

/// The monotonic clock and sleep a republish paces itself with; injected so pacing is testable.
public struct ReplayClock {
    /// Monotonic nanoseconds.
    public var now: () -> UInt64
    /// Blocks for the given nanoseconds.
    public var sleep: (UInt64) -> Void

    public init(now: @escaping () -> UInt64, sleep: @escaping (UInt64) -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// The process's monotonic clock and a thread sleep.
    public static var system: ReplayClock {
        ReplayClock(
            now: { DispatchTime.now().uptimeNanoseconds },
            sleep: { Thread.sleep(forTimeInterval: Double($0) / 1_000_000_000) })
    }
}
