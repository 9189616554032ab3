import Telemetry

/// One parsed test of a `Rules/tests/*.yaml` file (format documented in the shipped example).
struct RuleTestCase {
    struct Point {
        var device: Device
        var metric: String
        var at: Int64
        var value: Double
        var series: Int
    }

    struct AlertKey: Hashable, Comparable, CustomStringConvertible {
        var alert: String
        var device: String
        static func < (a: AlertKey, b: AlertKey) -> Bool { (a.alert, a.device) < (b.alert, b.device) }
        var description: String { "\(alert) on \(device)" }
    }

    /// State at one moment: every given list is compared as a set.
    struct Check {
        var at: Int64
        var line: Int
        /// Only this alert's events and states are compared; list entries may then be device ids.
        var alert: String?
        var firing: [AlertKey]?
        var raised: [AlertKey]?
        var cleared: [AlertKey]?
    }

    /// One expected event; fields left out are not compared.
    struct ExpectedEvent {
        var at: Int64?
        var type: String?
        var alert: String?
        var device: String?
        var value: Double?
        var severity: String?
        var message: String?
    }

    /// `assert:` entries: properties of the alerts over the whole test, for incidents.
    struct Assertion {
        enum Kind {
            /// A raise at `t` with `of <= t <= of + within` (relative to the origin).
            case raisesWithin(Int64, of: Int64)
            case neverRaises
        }

        var alert: String
        var device: String?
        var kind: Kind
        var line: Int
    }

    var file: String
    var name: String
    var line: Int
    var interval: Int64
    var points: [Point]
    var checks: [Check]
    var expected: [ExpectedEvent]?
    var assertions: [Assertion] = []
    /// Event time (ms) of `at: 0s`: `origin:` or the start of `from_history:`.
    var origin: Int64 = 0
    /// `from_history:`: the points come from the store when the test runs.
    var history: RuleTestHistoryRequest?
}
