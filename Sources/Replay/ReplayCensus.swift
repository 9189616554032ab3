/// How many stored readings a replay scope holds and the event times they span: the total of a
/// progress bar, the time axis of a report and the windows of a republish.
public struct ReplayCensus: Sendable, Hashable {
    /// Readings in scope.
    public var count: Int
    /// Earliest event time in scope (ms since the epoch).
    public var first: Int64
    /// Latest event time in scope (ms since the epoch).
    public var last: Int64

    public init(count: Int, first: Int64, last: Int64) {
        self.count = count
        self.first = first
        self.last = last
    }
}
