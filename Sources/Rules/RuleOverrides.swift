/// Values that replace what rule files say, for a sweep (`replay --sweep 'threshold=28,30,32'`):
/// a rule parameter (`params:`, read as `$name`) or a duration setting (`for`, `clear_for`,
/// `keep_firing_for`), for every rule (`threshold`) or one (`GreenhouseTooHot.threshold`).
public struct RuleOverrides: Sendable, Hashable {
    /// The duration settings a sweep may vary.
    public static let settings = ["for", "clear_for", "keep_firing_for"]

    /// Key: `name` or `Rule.name`; value as written (`30`, `2m`).
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// The override of `key` for rule `alert`: its own before the general one.
    func value(_ key: String, alert: String) -> String? {
        values["\(alert).\(key)"] ?? values[key]
    }

    /// The keys named: parameter or setting names, with their rule when qualified.
    var keys: [(alert: String?, key: String)] {
        values.keys.sorted().map { name in
            guard let dot = name.lastIndex(of: ".") else { return (nil, name) }
            return (String(name[..<dot]), String(name[name.index(after: dot)...]))
        }
    }
}
