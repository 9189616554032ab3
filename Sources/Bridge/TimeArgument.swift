import Telemetry

/// Times given on the command line, as ``Telemetry/TimeReference`` reads them.
public enum TimeArgument {
    public struct InvalidTime: Error, CustomStringConvertible {
        public var option: String
        public var value: String
        public var failure: TimeReference.Failure = .notATime
        public var description: String {
            "invalid --\(option) '\(value)': \(failure)"
        }
    }

    /// Milliseconds since the epoch.
    public static func parse(_ text: String, option: String, now: Int64) throws(InvalidTime) -> Int64 {
        switch TimeReference.milliseconds(text, now: { now }) {
        case .success(let time): return time
        case .failure(let failure): throw InvalidTime(option: option, value: text, failure: failure)
        }
    }
}
