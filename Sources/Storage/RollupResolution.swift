/// The width of a stored rollup bucket.
public enum RollupResolution: Sendable, Hashable, CaseIterable {
    /// One bucket per series and minute (`rollups_1m`).
    case minute
    /// One bucket per series and hour (`rollups_1h`).
    case hour

    /// The bucket width, in milliseconds.
    public var milliseconds: Int64 {
        switch self {
        case .minute: 60_000
        case .hour: 3_600_000
        }
    }

    var table: String {
        switch self {
        case .minute: "rollups_1m"
        case .hour: "rollups_1h"
        }
    }

    /// The start of the bucket holding `timestamp` (floored, also for times before 1970).
    @inline(__always)
    func bucket(of timestamp: Int64) -> Int64 {
        Self.floor(timestamp, to: milliseconds)
    }

    /// `value` rounded down to a multiple of `width` (saturating at `Int64.min`).
    @inline(__always)
    static func floor(_ value: Int64, to width: Int64) -> Int64 {
        let remainder = value % width
        guard remainder < 0 else { return value - remainder }
        let (result, overflow) = (value - remainder).subtractingReportingOverflow(width)
        return overflow ? .min : result
    }

    /// `value` (≥ 0) rounded up to a multiple of `unit` (saturating at `Int64.max`).
    static func roundUp(_ value: Int64, toMultipleOf unit: Int64) -> Int64 {
        let units = value / unit + (value % unit == 0 ? 0 : 1)
        let (result, overflow) = units.multipliedReportingOverflow(by: unit)
        return overflow ? .max : result
    }
}
