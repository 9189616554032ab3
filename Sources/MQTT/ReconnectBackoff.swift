/// Capped exponential backoff with jitter for reconnect attempts.
///
/// Attempt `n` (from 0) waits between `minDelay` and `min(maxDelay, minDelay * 2^(n+1))`, so the
/// window doubles per failure and a fleet of clients restarted together does not reconnect in
/// lockstep.
struct ReconnectBackoff: Sendable {
    var minDelay: Duration
    var maxDelay: Duration

    /// `jitter` in 0...1 picks the point within the window.
    func delay(attempt: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempt, 0), 30) + 1
        let low = minDelay.seconds
        let high = max(low, min(maxDelay.seconds, low * Double(1 << exponent)))
        let unit = min(max(jitter, 0), 1)
        return .nanoseconds(Int64(((low + (high - low) * unit) * 1e9).rounded()))
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
