import Telemetry
import Yams

/// Reads a rule test file into `RuleTestCase`s, collecting every problem as a diagnostic.
struct RuleTestFileParser {
    let source: SourceFile
    let schema: RuleSchema
    private(set) var diagnostics: [RuleDiagnostic] = []
    private(set) var cases: [RuleTestCase] = []

    init(source: SourceFile, schema: RuleSchema) {
        self.source = source
        self.schema = schema
    }

    private mutating func error(_ node: Node, _ message: String, suggestion: String? = nil) {
        diagnostics.append(source.diagnostic(at: node, message, suggestion: suggestion))
    }

    private mutating func keys(_ node: Node, allowed: [String], context: String) -> [String: Node]? {
        guard let mapping = node.mapping else {
            error(node, "\(context) must be a mapping")
            return nil
        }
        return source.fields(of: mapping, allowed: allowed, context: context, diagnostics: &diagnostics).mapValues(\.value)
    }

    private mutating func duration(_ node: Node, key: String) -> Int64? {
        guard let text = node.scalar?.string, let ms = RuleDuration.milliseconds(text) else {
            error(node, "'\(key)' must be a duration such as 90s, 5m or 0")
            return nil
        }
        return ms
    }

    /// An ISO 8601 time, ms since the epoch.
    private mutating func time(_ node: Node, key: String) -> Int64? {
        guard let text = node.scalar?.string, case .success(let ms) = TimeReference.milliseconds(text, now: { 0 }),
              text.utf8.count >= 10 else {
            error(node, "'\(key)' must be a time in ISO 8601, such as 2026-03-03T09:12:00Z")
            return nil
        }
        return ms
    }

    /// A duration from at: 0s, or an ISO 8601 time (made relative to `origin`).
    private mutating func relativeTime(_ node: Node, origin: Int64) -> Int64? {
        if let text = node.scalar?.string, let ms = RuleDuration.milliseconds(text) { return ms }
        return time(node, key: "of").map { $0 - origin }
    }

    private mutating func string(_ node: Node?, key: String, context: Node) -> String? {
        guard let node else {
            error(context, "missing '\(key)'")
            return nil
        }
        guard let text = node.scalar?.string, !text.isEmpty else {
            error(node, "'\(key)' must be a non-empty string")
            return nil
        }
        return text
    }

    mutating func parse(contents: String) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: contents)
        } catch {
            diagnostics.append(RuleFileParser.yamlDiagnostic(error, source: source))
            return
        }
        guard let root, let top = keys(root, allowed: ["interval", "tests"], context: "a rule test file") else { return }
        var interval: Int64 = 60_000
        if let node = top["interval"], let value = duration(node, key: "interval") { interval = value }
        guard let tests = top["tests"]?.sequence else {
            error(top["tests"] ?? root, "expected a 'tests:' list")
            return
        }
        for test in tests { parseTest(test, defaultInterval: interval) }
    }

    private mutating func parseTest(_ node: Node, defaultInterval: Int64) {
        guard let fields = keys(node, allowed: ["name", "interval", "origin", "from_history", "input_series", "alerts", "expect", "assert"],
                                context: "a test")
        else { return }
        let before = diagnostics.count
        let name = string(fields["name"], key: "name", context: node) ?? "?"
        var interval = defaultInterval
        if let value = fields["interval"], let ms = duration(value, key: "interval") { interval = ms }
        guard interval > 0 else {
            error(fields["interval"] ?? node, "'interval' must be longer than zero")
            return
        }

        var points: [RuleTestCase.Point] = []
        var devices: [String: Device] = [:]
        for (index, series) in (fields["input_series"]?.sequence.map(Array.init) ?? []).enumerated() {
            guard let s = keys(series, allowed: ["device", "type", "labels", "metric", "values", "points", "start"],
                               context: "an input series") else { continue }
            guard let id = string(s["device"], key: "device", context: series),
                  let metric = string(s["metric"], key: "metric", context: series) else { continue }
            var device = devices[id] ?? Device(id: id, type: "")
            if let typeNode = s["type"], let type = typeNode.scalar?.string {
                if schema.types[type] == nil {
                    error(typeNode, "unknown device type '\(type)'", suggestion: Suggestion.nearest(to: type, in: schema.typeNames))
                }
                device.type = type
            } else if device.type.isEmpty, let type = schema.knownDevices[id] {
                device.type = type
            }
            if device.type.isEmpty { error(series, "series for '\(id)' needs 'type' (its device type)") }
            if let labels = s["labels"]?.mapping {
                for (key, value) in labels {
                    if let key = key.string, let value = value.string { device.labels[key] = value }
                }
            }
            devices[id] = device
            let start = s["start"].flatMap { duration($0, key: "start") } ?? 0
            if let valuesNode = s["values"] {
                do throws(SeriesNotation.Failure) {
                    let samples = try SeriesNotation.expand(valuesNode.scalar?.string ?? "")
                    for (i, sample) in samples.enumerated() {
                        guard let sample else { continue }
                        points.append(.init(device: device, metric: metric, at: start + Int64(i) * interval, value: sample, series: index))
                    }
                } catch {
                    diagnostics.append(source.diagnostic(in: valuesNode, offset: error.offset, length: error.length, error.message))
                }
            } else if let list = s["points"]?.sequence {
                for point in list {
                    guard let p = keys(point, allowed: ["at", "value"], context: "a point"),
                          let atNode = p["at"], let at = duration(atNode, key: "at") else { continue }
                    guard let text = p["value"]?.scalar?.string, let value = Double(text) else {
                        error(p["value"] ?? point, "'value' must be a number")
                        continue
                    }
                    points.append(.init(device: device, metric: metric, at: at, value: value, series: index))
                }
            } else {
                error(series, "a series needs 'values' (\"20 21 35x5\") or 'points' ([{at: 0m, value: 20}])")
            }
        }
        // A device's type and labels come from all its series.
        points = points.map { point in
            var point = point
            point.device = devices[point.device.id] ?? point.device
            return point
        }

        var checks: [RuleTestCase.Check] = []
        for check in fields["alerts"]?.sequence.map(Array.init) ?? [] {
            guard let c = keys(check, allowed: ["at", "alert", "firing", "raised", "cleared"], context: "an alert check"),
                  let atNode = c["at"], let at = duration(atNode, key: "at") else { continue }
            let alert = c["alert"]?.string
            checks.append(.init(at: at, line: check.position.line, alert: alert,
                                firing: c["firing"].map { alertKeys($0, alert: alert) },
                                raised: c["raised"].map { alertKeys($0, alert: alert) },
                                cleared: c["cleared"].map { alertKeys($0, alert: alert) }))
        }
        var expected: [RuleTestCase.ExpectedEvent]?
        if let list = fields["expect"] {
            expected = []
            for item in list.sequence.map(Array.init) ?? [] {
                guard let e = keys(item, allowed: ["at", "type", "alert", "device", "value", "severity", "message"],
                                   context: "an expected event") else { continue }
                var event = RuleTestCase.ExpectedEvent()
                event.at = e["at"].flatMap { duration($0, key: "at") }
                event.type = e["type"]?.string
                if let type = event.type, type != "AlertRaised", type != "AlertCleared", let node = e["type"] {
                    error(node, "'type' must be AlertRaised or AlertCleared",
                          suggestion: Suggestion.nearest(to: type, in: ["AlertRaised", "AlertCleared"]))
                }
                event.alert = e["alert"]?.string
                event.device = e["device"]?.string
                event.severity = e["severity"]?.string
                event.message = e["message"]?.string
                if let node = e["value"] {
                    if let value = node.string.flatMap(Double.init) { event.value = value } else { error(node, "'value' must be a number") }
                }
                expected?.append(event)
            }
        }
        var origin: Int64 = 0
        if let node = fields["origin"] { origin = time(node, key: "origin") ?? 0 }
        var history: RuleTestHistoryRequest?
        if let node = fields["from_history"], let h = keys(node, allowed: ["db", "device", "from", "to"], context: "from_history") {
            let device = string(h["device"], key: "device", context: node)
            let from = h["from"].flatMap { time($0, key: "from") }
            let to = h["to"].flatMap { time($0, key: "to") }
            if h["from"] == nil { error(node, "from_history needs 'from' (ISO 8601)") }
            if h["to"] == nil { error(node, "from_history needs 'to' (ISO 8601)") }
            if let from, let to, to <= from, let toNode = h["to"] { error(toNode, "'to' must be after 'from'") }
            if fields["input_series"] != nil { error(node, "a test takes its readings from 'from_history' or 'input_series', not both") }
            if fields["origin"] != nil { error(node, "with 'from_history', at: 0s is its 'from'; remove 'origin'") }
            if let device, let from, let to {
                history = RuleTestHistoryRequest(database: h["db"]?.string, device: device, from: from, to: to)
                origin = from
            }
        }
        var assertions: [RuleTestCase.Assertion] = []
        for item in fields["assert"]?.sequence.map(Array.init) ?? [] {
            guard let a = keys(item, allowed: ["alert", "device", "raises_within", "of", "never_raises"], context: "an assertion"),
                  let alert = string(a["alert"], key: "alert", context: item) else { continue }
            let line = item.position.line
            if let within = a["raises_within"] {
                guard let window = duration(within, key: "raises_within") else { continue }
                guard let ofNode = a["of"] else {
                    error(item, "'raises_within' needs 'of': the moment (a duration from at: 0s, or ISO 8601)")
                    continue
                }
                guard let of = relativeTime(ofNode, origin: origin) else { continue }
                assertions.append(.init(alert: alert, device: a["device"]?.string, kind: .raisesWithin(window, of: of), line: line))
            } else if let never = a["never_raises"] {
                guard never.scalar?.string == "true" else {
                    error(never, "'never_raises' takes true")
                    continue
                }
                assertions.append(.init(alert: alert, device: a["device"]?.string, kind: .neverRaises, line: line))
            } else {
                error(item, "an assertion needs 'raises_within' (with 'of') or 'never_raises: true'")
            }
        }
        if checks.isEmpty, expected == nil, fields["assert"] == nil, fields["alerts"] == nil { error(node, "test '\(name)' has none of 'alerts', 'expect' or 'assert'") }
        guard diagnostics.count == before else { return }
        var test = RuleTestCase(file: source.name, name: name, line: node.position.line, interval: interval,
                                points: points, checks: checks, expected: expected)
        test.assertions = assertions
        test.origin = origin
        test.history = history
        cases.append(test)
    }

    /// `[{alert: A, device: d}]` or `["A d"]` (or `[d]` under a check's `alert:`); an empty list
    /// or null is no alerts.
    private mutating func alertKeys(_ node: Node, alert: String?) -> [RuleTestCase.AlertKey] {
        if let scalar = node.scalar, scalar.isNull { return [] }
        guard let list = node.sequence else {
            error(node, "expected a list of {alert, device}")
            return []
        }
        var keys: [RuleTestCase.AlertKey] = []
        for item in list {
            if let text = item.string {
                let words = text.split(separator: " ")
                if words.count == 1, let alert {
                    keys.append(.init(alert: alert, device: text))
                    continue
                }
                guard words.count == 2 else {
                    error(item, "expected 'Alert device' or {alert: Alert, device: device}")
                    continue
                }
                keys.append(.init(alert: String(words[0]), device: String(words[1])))
            } else if let fields = self.keys(item, allowed: ["alert", "device"], context: "an alert"),
                      let alert = string(fields["alert"], key: "alert", context: item),
                      let device = string(fields["device"], key: "device", context: item) {
                keys.append(.init(alert: alert, device: device))
            }
        }
        return keys
    }
}
