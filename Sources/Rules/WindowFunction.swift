/// The aggregations a time window answers, each in O(1) from the window's running state.
enum WindowFunction: UInt8, Hashable, Sendable {
    case average, sum, count, standardDeviation, minimum, maximum, delta, rate

    /// The running state the function needs beyond the window's ring of samples.
    var features: WindowFeatures {
        switch self {
        case .average, .sum, .standardDeviation: .moments
        case .minimum: .minimum
        case .maximum: .maximum
        case .count, .delta, .rate: []
        }
    }
}

/// Optional running state kept by a `SlidingWindow`.
struct WindowFeatures: OptionSet, Hashable, Sendable {
    let rawValue: UInt8
    /// Compensated sums of values and of squared (shifted) values.
    static let moments = WindowFeatures(rawValue: 1)
    /// A monotonic deque of minima.
    static let minimum = WindowFeatures(rawValue: 2)
    /// A monotonic deque of maxima.
    static let maximum = WindowFeatures(rawValue: 4)
}
