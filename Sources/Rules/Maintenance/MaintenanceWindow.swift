/// A planned period in which matching alerts are muted, declared in a rules file's
/// `maintenance:` list (conventionally `Rules/maintenance.yaml`): like a ``Silence``, a raise in
/// force of one is still evaluated, stored and published, marked `"silenced": "maintenance:<name>"`,
/// and notifying sinks skip it and its clear. Unlike a silence it lives in a reviewed file, is
/// hot-reloaded with the rules and may recur.
public struct MaintenanceWindow: Sendable, Hashable {
    public enum Schedule: Sendable, Hashable {
        /// One period, `[from, until)` in ms.
        case once(from: Int64, until: Int64)
        case weekly(WeeklySchedule)
    }

    public var name: String
    public var matchers: SilenceMatchers
    public var schedule: Schedule
    public var comment: String
    /// Where it is defined, for messages.
    public var file: String
    public var line: Int

    /// The mark its raises carry in `silenced`.
    public var mark: String { Self.markPrefix + name }

    static let markPrefix = "maintenance:"

    public func isInForce(at time: Int64) -> Bool {
        switch schedule {
        case .once(let from, let until): from <= time && time < until
        case .weekly(let weekly): weekly.contains(time)
        }
    }

    /// The period in force at `time`, or the next one (nil when none is to come).
    public func period(atOrAfter time: Int64) -> Range<Int64>? {
        switch schedule {
        case .once(let from, let until): time < until ? from..<until : nil
        case .weekly(let weekly): weekly.occurrence(atOrAfter: time)
        }
    }

    public func matches(alert: String, device: String, labels: [String: String], at time: Int64) -> Bool {
        matchers.matches(alert: alert, device: device, labels: labels) && isInForce(at: time)
    }
}

/// The maintenance windows of a rule set, in file then declaration order.
public struct MaintenanceSchedule: Sendable, Hashable {
    public private(set) var windows: [MaintenanceWindow]

    public init(_ windows: [MaintenanceWindow] = []) {
        self.windows = windows
    }

    public var isEmpty: Bool { windows.isEmpty }

    /// The first window in force at `time` that matches: the one a raise is marked with.
    public func window(alert: String, device: String, labels: [String: String], at time: Int64) -> MaintenanceWindow? {
        windows.first { $0.matches(alert: alert, device: device, labels: labels, at: time) }
    }

    public func window(named name: String) -> MaintenanceWindow? {
        windows.first { $0.name == name }
    }

    /// This schedule followed by `other`'s windows (a what-if file's, in replay).
    public func adding(_ other: MaintenanceSchedule) -> MaintenanceSchedule {
        MaintenanceSchedule(windows + other.windows)
    }
}
