/// Capped exponential backoff of a failing sink: 0.5 s, 1 s, 2 s, … up to ``maximum``, each
/// stretched by up to 25 % jitter so sinks failing together do not retry in lockstep.
public struct DeliveryBackoff: Sendable, Hashable {
    /// Milliseconds before the first retry.
    public var initial: Int64
    /// Milliseconds between retries at most.
    public var maximum: Int64

    public init(initial: Int64 = 500, maximum: Int64 = 30_000) {
        self.initial = max(1, initial)
        self.maximum = max(self.initial, maximum)
    }

    /// Milliseconds to wait after `failures` consecutive failures (1 or more); `jitter` in 0...1.
    public func delay(afterFailures failures: Int, jitter: Double) -> Int64 {
        let doublings = min(max(failures - 1, 0), 40)
        let base = initial.multipliedReportingOverflow(by: Int64(1) << min(doublings, 62))
        let capped = base.overflow ? maximum : min(maximum, base.partialValue)
        return capped + Int64(Double(capped) * 0.25 * min(max(jitter, 0), 1))
    }
}
