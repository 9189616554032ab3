/// A metric name interned by a `RuleEngine`. Valid for the engine's lifetime, across reloads.
public struct MetricHandle: Sendable, Hashable {
    let index: Int
}
