import Rules
import Storage
import Telemetry

extension Replayer {
    /// What-if: `draft` against `current` over the same readings, in one pass. Each device's
    /// differences go to `difference` as soon as that device is replayed (device order);
    /// `observe` sees every reading, as in ``run(_:observing:_:)``.
    /// - Returns: the comparison, with per-rule totals and whether the two agree.
    public func compare(current: RuleSet, draft: RuleSet, tolerance: Int64,
                        observing observe: (Reading, Device) -> Void = { _, _ in },
                        difference: (AlertDifference) throws -> Void) throws -> AlertComparison {
        var comparison = AlertComparison(tolerance: tolerance)
        for rule in current.rules + draft.rules { comparison.register(alert: rule.name) }
        try run([current, draft], observing: observe) { replay in
            for found in comparison.compare(baseline: replay.events[0].map(ComparedEvent.init),
                                            candidate: replay.events[1].map(ComparedEvent.init)) {
                try difference(found)
            }
        }
        return comparison
    }

    /// Live == replay: the replay of `rules` against the alert events the daemon stored for the
    /// same range, devices and types (devices with live events but no readings in scope come
    /// last). Same contract as ``compare(current:draft:tolerance:observing:difference:)``.
    public func compareWithLive(rules: RuleSet, tolerance: Int64,
                                observing observe: (Reading, Device) -> Void = { _, _ in },
                                difference: (AlertDifference) throws -> Void) throws -> AlertComparison {
        let types = Dictionary(try store.devices().map { ($0.id, $0.type) }, uniquingKeysWith: { a, _ in a })
        var live: [String: [ComparedEvent]] = [:]
        for record in try store.alerts(filter: AlertFilter(from: scope.from, to: scope.to, devices: scope.devices))
        where scope.types.map({ $0.isEmpty || $0.contains(types[record.device] ?? "") }) ?? true {
            live[record.device, default: []].append(ComparedEvent(record))
        }
        var comparison = AlertComparison(tolerance: tolerance)
        for rule in rules.rules { comparison.register(alert: rule.name) }
        try run([rules], observing: observe) { replay in
            for found in comparison.compare(baseline: live.removeValue(forKey: replay.device) ?? [],
                                            candidate: replay.events[0].map(ComparedEvent.init)) {
                try difference(found)
            }
        }
        for device in live.keys.sorted() {
            for found in comparison.compare(baseline: live[device] ?? [], candidate: []) {
                try difference(found)
            }
        }
        return comparison
    }
}
