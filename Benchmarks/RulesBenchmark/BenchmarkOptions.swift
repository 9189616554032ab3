/// Command-line options: `rules-benchmark [--readings N] [--devices N] [--rounds N] [--seed N]
/// [--thresholds spell|never]`.
struct BenchmarkOptions {
    var readings = 4_000_000
    var devices = 1000
    var rounds = 3
    var seed: UInt64 = 1
    /// `never`: the thresholds of `ThroughputTests` (`1000 + index`; only long `sum` windows reach them).
    var thresholdsNeverHold = false

    static let usage = """
        usage: rules-benchmark [--readings N (4000000)] [--devices N (1000)] [--rounds N (3)] [--seed N (1)]
                               [--thresholds spell|never (spell)]
        """

    init(arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        while let name = remaining.popFirst() {
            guard let text = remaining.popFirst() else { throw UsageError(message: "\(name) needs a value") }
            if name == "--thresholds" {
                guard text == "spell" || text == "never" else {
                    throw UsageError(message: "--thresholds is spell or never, not \(text)")
                }
                thresholdsNeverHold = text == "never"
                continue
            }
            guard let number = Int(text), number > 0 else {
                throw UsageError(message: "\(name) must be a positive integer, not \(text)")
            }
            switch name {
            case "--readings": readings = number
            case "--devices": devices = number
            case "--rounds": rounds = number
            case "--seed": seed = UInt64(number)
            default: throw UsageError(message: "unknown option \(name)")
            }
        }
        guard readings >= 2 * devices else {
            throw UsageError(message: "--readings must be at least 2 x --devices (one round of the fleet)")
        }
    }
}

/// A command line the benchmark cannot run with.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { "\(message)\n\(BenchmarkOptions.usage)" }
}
