import Foundation
import Telemetry

/// Runs rule tests (`Rules/tests/*.yaml`, in the spirit of `promtool test rules`) against a rule
/// set: feeds each test's input series through a fresh `RuleEngine` in event time and compares
/// the alerts with the expected ones.
///
/// Time starts at 0 (`at: 0m`). At every interval tick, every sample time and every check time
/// the engine first processes the readings of that moment, then `advance(to:)` it, then the
/// checks of that moment run. So `silent()` is seen at tick granularity.
///
/// A check with `alert:` compares only that alert; `expect` compares only the events of the
/// alerts its entries name (all events when an entry names none).
public enum RuleTestRunner {
    /// Runs every `*.yaml` in `directory`. Malformed test files throw all their diagnostics.
    /// `history` reads the stored readings of `from_history:` tests (without it they fail, saying
    /// a database is needed).
    public static func run(
        directory: String, rules: RuleSet, schema: RuleSchema, history: RuleTestHistoryLoader? = nil
    ) throws(RuleError) -> RuleTestReport {
        let (files, unreadable) = try RuleFiles.read(directory: directory)
        var diagnostics = unreadable
        var cases: [RuleTestCase] = []
        for file in files {
            var parser = RuleTestFileParser(source: SourceFile(name: file.name, contents: file.contents), schema: schema)
            parser.parse(contents: file.contents)
            diagnostics += parser.diagnostics
            cases += parser.cases
        }
        guard diagnostics.isEmpty else { throw .invalid(diagnostics) }
        return RuleTestReport(cases: cases.map { run($0, rules: rules, history: history) })
    }

    static func run(_ test: RuleTestCase, rules: RuleSet, history: RuleTestHistoryLoader? = nil) -> RuleTestReport.CaseResult {
        var test = test
        if let request = test.history {
            guard let history else {
                return .init(file: test.file, name: test.name, line: test.line,
                             failures: ["from_history needs a database: run rules test --db FILE"])
            }
            do {
                let stored = try history(request)
                test.points = stored.readings.map {
                    .init(device: stored.device, metric: $0.metric, at: $0.timestamp - request.from, value: $0.value, series: 0)
                }
            } catch {
                return .init(file: test.file, name: test.name, line: test.line, failures: ["from_history: \(error)"])
            }
        }
        var failures: [String] = []
        let events = simulate(test, rules: rules) { time, engine, events in
            for check in test.checks where check.at == time {
                compare("firing", check, check.firing,
                        engine.firingAlerts.map { .init(alert: $0.alert, device: $0.device) }, into: &failures)
                let raisedNow = events.filter { $0.at == time && $0.typeName == "AlertRaised" }
                compare("raised", check, check.raised, raisedNow.map { .init(alert: $0.alert, device: $0.device) }, into: &failures)
                let clearedNow = events.filter { $0.at == time && $0.typeName == "AlertCleared" }
                compare("cleared", check, check.cleared, clearedNow.map { .init(alert: $0.alert, device: $0.device) }, into: &failures)
            }
        }
        if let expected = test.expected {
            // Scoped to the alerts the expectations name, like promtool's per-alertname checks.
            let names = Set(expected.compactMap(\.alert))
            let scoped = expected.allSatisfy { $0.alert != nil } ? events.filter { names.contains($0.alert) } : events
            compare(expected, scoped, rules: rules, into: &failures)
        }
        for assertion in test.assertions {
            check(assertion, events, into: &failures)
        }
        return .init(file: test.file, name: test.name, line: test.line, failures: failures)
    }

    /// Feeds a test's points through a fresh engine: at every interval tick, sample time and
    /// check time, the readings of that moment (each device's together), then `advance(to:)`,
    /// then `observe` (for the checks). Returns the events with times relative to the origin.
    static func simulate(
        _ test: RuleTestCase, rules: RuleSet, observe: (Int64, RuleEngine, [AlertEvent]) -> Void = { _, _, _ in }
    ) -> [AlertEvent] {
        let origin = test.origin
        var engine = RuleEngine(rules: rules, idGenerator: UUIDv7Generator(seed: 1))
        let points = test.points.enumerated().sorted { a, b in
            (a.element.at, a.element.series, a.offset) < (b.element.at, b.element.series, b.offset)
        }.map(\.element)
        let end = max(points.map(\.at).max() ?? 0, test.checks.map(\.at).max() ?? 0)
        var times = Set(points.map(\.at)).union(test.checks.map(\.at))
        var tick: Int64 = 0
        while tick <= end {
            times.insert(tick)
            tick += test.interval
        }
        var events: [AlertEvent] = []
        var next = 0
        for time in times.sorted() {
            var instant: [Reading] = []
            var device: Device?
            func flush() {
                if let device, !instant.isEmpty { events += engine.process(instant, device: device).map { shifted($0, by: -origin) } }
                instant.removeAll()
            }
            while next < points.count, points[next].at == time {
                let point = points[next]
                if device?.id != point.device.id { flush() }
                device = point.device
                instant.append(.init(device: point.device.id, metric: point.metric, timestamp: origin + point.at, value: point.value))
                next += 1
            }
            flush()
            events += engine.advance(to: origin + time).map { shifted($0, by: -origin) }
            observe(time, engine, events)
        }
        return events
    }

    /// What the rules raise over a stored incident, as `rules test` would run its snapshot
    /// (`rules incident`): times relative to `from`.
    public static func events(of history: RuleTestHistory, from: Int64, interval: Int64, rules: RuleSet) -> [AlertEvent] {
        var test = RuleTestCase(file: "", name: "", line: 0, interval: interval,
                                points: history.readings.map { .init(device: history.device, metric: $0.metric, at: $0.timestamp - from,
                                                                     value: $0.value, series: 0) },
                                checks: [], expected: nil)
        test.origin = from
        return simulate(test, rules: rules)
    }

    private static func check(_ assertion: RuleTestCase.Assertion, _ events: [AlertEvent], into failures: inout [String]) {
        let raises = events.filter {
            $0.typeName == "AlertRaised" && $0.alert == assertion.alert && (assertion.device == nil || $0.device == assertion.device)
        }
        let subject = assertion.alert + (assertion.device.map { " on \($0)" } ?? "")
        let found = raises.map { RuleDuration.format($0.at) }.joined(separator: ", ")
        switch assertion.kind {
        case .neverRaises:
            if !raises.isEmpty {
                failures.append("line \(assertion.line): \(subject) must never raise, but was raised at \(found)")
            }
        case .raisesWithin(let window, let of):
            if !raises.contains(where: { $0.at >= of && $0.at <= of + window }) {
                failures.append("line \(assertion.line): \(subject) must raise within \(RuleDuration.format(window)) of \(RuleDuration.format(of))"
                                + (raises.isEmpty ? ", but never raised" : ", but was raised at \(found)"))
            }
        }
    }

    /// An event moved in time (test times are relative to the test's origin).
    static func shifted(_ event: AlertEvent, by offset: Int64) -> AlertEvent {
        guard offset != 0 else { return event }
        switch event {
        case .raised(var raised):
            raised.at += offset
            raised.pendingSince += offset
            return .raised(raised)
        case .cleared(var cleared):
            cleared.at += offset
            cleared.raisedAt += offset
            return .cleared(cleared)
        }
    }

    private static func compare(
        _ what: String, _ check: RuleTestCase.Check, _ expected: [RuleTestCase.AlertKey]?,
        _ actual: [RuleTestCase.AlertKey], into failures: inout [String]
    ) {
        guard let expected else { return }
        let want = Set(expected), got = Set(actual.filter { check.alert == nil || $0.alert == check.alert })
        guard want != got else { return }
        func list(_ keys: Set<RuleTestCase.AlertKey>) -> String {
            keys.isEmpty ? "(none)" : keys.sorted().map(\.description).joined(separator: ", ")
        }
        var text = "at \(RuleDuration.format(check.at)) (line \(check.line)) \(what):\n"
        text += "  expected: \(list(want))\n  actual:   \(list(got))"
        if !want.subtracting(got).isEmpty { text += "\n  missing:  \(list(want.subtracting(got)))" }
        if !got.subtracting(want).isEmpty { text += "\n  extra:    \(list(got.subtracting(want)))" }
        failures.append(text)
    }

    private static func matches(_ expected: RuleTestCase.ExpectedEvent, _ event: AlertEvent, rules: RuleSet) -> Bool {
        if let at = expected.at, at != event.at { return false }
        if let type = expected.type, type != event.typeName { return false }
        if let alert = expected.alert, alert != event.alert { return false }
        if let device = expected.device, device != event.device { return false }
        if let value = expected.value {
            guard let actual = event.value, abs(actual - value) <= 1e-9 * max(1, abs(value)) else { return false }
        }
        if let severity = expected.severity, severity != rules.rule(named: event.alert)?.severity.rawValue { return false }
        if let message = expected.message {
            guard case .raised(let raised) = event, raised.message == message else { return false }
        }
        return true
    }

    static func describe(_ event: AlertEvent) -> String {
        var text = "\(RuleDuration.format(event.at)) \(event.typeName) \(event.alert) on \(event.device)"
        text += " value=" + (event.value.map(JSONWriter.number) ?? "null")
        if case .raised(let raised) = event { text += " message=\"\(raised.message)\"" }
        return text
    }

    static func describe(_ expected: RuleTestCase.ExpectedEvent) -> String {
        var words: [String] = []
        words.append(expected.at.map(RuleDuration.format) ?? "*")
        words.append(expected.type ?? "*")
        words.append((expected.alert ?? "*") + " on " + (expected.device ?? "*"))
        if let value = expected.value { words.append("value=" + JSONWriter.number(value)) }
        if let severity = expected.severity { words.append("severity=\(severity)") }
        if let message = expected.message { words.append("message=\"\(message)\"") }
        return words.joined(separator: " ")
    }

    private static func compare(
        _ expected: [RuleTestCase.ExpectedEvent], _ actual: [AlertEvent], rules: RuleSet, into failures: inout [String]
    ) {
        let count = max(expected.count, actual.count)
        var ok = expected.count == actual.count
        var lines: [String] = []
        for index in 0..<count {
            let want = index < expected.count ? expected[index] : nil
            let got = index < actual.count ? actual[index] : nil
            let same = want.flatMap { w in got.map { matches(w, $0, rules: rules) } } ?? false
            if !same { ok = false }
            let marker = same ? "  " : "! "
            lines.append(marker + "expected: " + (want.map(describe) ?? "(no event)"))
            lines.append(marker + "actual:   " + (got.map(describe) ?? "(no event)"))
        }
        guard !ok else { return }
        failures.append("events differ (\(expected.count) expected, \(actual.count) actual; '!' marks a mismatch):\n"
            + lines.joined(separator: "\n"))
    }
}
