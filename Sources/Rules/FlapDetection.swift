/// A rule's `flapping:` setting (Kapacitor's `flapping(low, high)` over a time window): an alert
/// that changed state (raised or cleared) more than `high` times within `window` is *flapping*;
/// it settles once at most `low` changes remain in the window.
///
/// A raise made while flapping is marked `"flapping": true` (its clear carries the mark), and
/// notifying sinks hold both back. When a flapping alert settles while still firing, the engine
/// ends the held-back raise with a clear and raises it again, unmarked, at that moment, so the
/// people who must act are notified of an alert that stays on; those two events are bookkeeping,
/// not state changes, and are not counted.
public struct FlapDetection: Sendable, Hashable {
    /// ms, > 0.
    public var window: Int64
    /// More changes than this within `window` start flapping (1...1000).
    public var high: Int
    /// At most this many changes within `window` end it (0..<high).
    public var low: Int

    public init(window: Int64, high: Int, low: Int) {
        self.window = window
        self.high = high
        self.low = low
    }

    static let maximumHigh = 1000

    /// Changes within `(time - window, time]` among `changes` (ascending).
    func count(_ changes: [Int64], at time: Int64) -> Int {
        changes.reversed().prefix { $0 > time &- window }.count
    }

    /// The first moment at which at most `low` of `changes` lie in the window: when the
    /// (low+1)-th most recent change leaves it; `.min` when there are not that many.
    func settleTime(_ changes: [Int64]) -> Int64 {
        guard changes.count > low else { return .min }
        return changes[changes.count - 1 - low] &+ window
    }
}
