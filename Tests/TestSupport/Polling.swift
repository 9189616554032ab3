import Foundation

/// Polls `condition` every few milliseconds until it holds or `timeout` passes.
/// For readiness checks against real processes, not as a substitute for synchronisation.
@discardableResult
public func waitUntil(timeout: Duration, interval: Duration = .milliseconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try condition() { return true }
        if clock.now >= deadline { return false }
        Thread.sleep(forTimeInterval: interval.timeInterval)
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
