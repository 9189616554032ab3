import Storage

/// Compares two alert histories chunk by chunk (a replay compares one device at a time, so
/// memory stays bounded), keeping a summary per rule.
///
/// Events are matched per (alert, device, type) in time order: equal times first, then the
/// remaining ones pairwise in order (a *move*, by the time shift); what is left over on one side
/// is *added* (candidate only) or *removed* (baseline only). A move within `tolerance` counts as
/// identical.
public struct AlertComparison: Sendable {
    public let tolerance: Int64
    public private(set) var summaries: [String: RuleDifferenceSummary] = [:]
    public private(set) var differenceCount = 0

    public init(tolerance: Int64 = 0) {
        self.tolerance = tolerance
    }

    public var isIdentical: Bool { differenceCount == 0 }

    /// The per-rule summaries in rule name order.
    public var rules: [RuleDifferenceSummary] {
        summaries.values.sorted { $0.alert < $1.alert }
    }

    /// Makes sure `alert` appears in the summary even when neither side has events for it.
    public mutating func register(alert: String) {
        if summaries[alert] == nil { summaries[alert] = RuleDifferenceSummary(alert: alert) }
    }

    /// Compares one chunk (e.g. one device's events) and returns its differences, ordered by time.
    public mutating func compare(baseline: [ComparedEvent], candidate: [ComparedEvent]) -> [AlertDifference] {
        struct Key: Hashable {
            var type: AlertRecord.Kind
            var alert: String
            var device: String
        }
        var groups: [Key: (baseline: [Int64], candidate: [Int64])] = [:]
        for event in baseline {
            groups[Key(type: event.type, alert: event.alert, device: event.device), default: ([], [])].baseline.append(event.at)
            summaries[event.alert, default: RuleDifferenceSummary(alert: event.alert)].baseline += 1
            if event.notifies { summaries[event.alert]?.baselineNotifications += 1 }
        }
        for event in candidate {
            groups[Key(type: event.type, alert: event.alert, device: event.device), default: ([], [])].candidate.append(event.at)
            summaries[event.alert, default: RuleDifferenceSummary(alert: event.alert)].candidate += 1
            if event.notifies { summaries[event.alert]?.candidateNotifications += 1 }
        }
        var differences: [AlertDifference] = []
        for (key, times) in groups {
            var left = times.baseline.sorted()
            var right = times.candidate.sorted()
            Self.removeCommon(&left, &right)
            let paired = min(left.count, right.count)
            func add(_ change: AlertDifference.Change, at: Int64, shift: Int64 = 0) {
                differences.append(AlertDifference(change: change, type: key.type, alert: key.alert, device: key.device,
                                                   at: at, shift: shift))
                switch change {
                case .added: summaries[key.alert]?.added += 1
                case .removed: summaries[key.alert]?.removed += 1
                case .moved: summaries[key.alert]?.moved += 1
                }
            }
            for index in 0..<paired where abs(right[index] - left[index]) > tolerance {
                add(.moved, at: left[index], shift: right[index] - left[index])
            }
            for time in left.dropFirst(paired) { add(.removed, at: time) }
            for time in right.dropFirst(paired) { add(.added, at: time) }
        }
        differences.sort { ($0.at, $0.alert, $0.type.rawValue) < ($1.at, $1.alert, $1.type.rawValue) }
        differenceCount += differences.count
        return differences
    }

    /// Drops the times both sorted lists have (as a multiset).
    private static func removeCommon(_ left: inout [Int64], _ right: inout [Int64]) {
        var (i, j) = (0, 0)
        var keptLeft: [Int64] = []
        var keptRight: [Int64] = []
        while i < left.count, j < right.count {
            if left[i] == right[j] {
                i += 1
                j += 1
            } else if left[i] < right[j] {
                keptLeft.append(left[i])
                i += 1
            } else {
                keptRight.append(right[j])
                j += 1
            }
        }
        left = keptLeft + left[i...]
        right = keptRight + right[j...]
    }
}
