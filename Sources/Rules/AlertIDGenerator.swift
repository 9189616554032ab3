/// Makes event ids. Injectable so tests (and replays that must be byte-identical) can use a
/// seeded generator.
public protocol AlertIDGenerator: Sendable {
    /// A new unique id for an event at `time` (ms since the epoch).
    mutating func next(at time: Int64) -> String
}
