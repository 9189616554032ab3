import Telemetry

/// `rules incident`: a stored incident written as a self-contained rule test file (the readings
/// as points relative to its start, the alerts the rules raise over it as `expect`), so CI runs
/// it without the database.
public enum RuleTestSnapshot {
    public static func yaml(
        name: String, history: RuleTestHistory, from: Int64, to: Int64, interval: Int64, events: [AlertEvent], takenAt: Int64
    ) -> String {
        let quoted = JSONWriter.string
        let time = { (ms: Int64) in ISO8601Timestamp.string(ms, fraction: .whenNonZero) }
        var lines = [
            "# \(history.device.id) from \(time(from)) to \(time(to)), taken by `telemetry-bridge rules incident` at \(time(takenAt)).",
            "# Self-contained: `rules test` runs it without the database. `expect` holds what the rules raised",
            "# over it when it was taken; add `assert:` entries for what the incident must (not) do, e.g.",
            "#   assert:",
            "#     - {alert: GreenhouseTooHot, raises_within: 10m, of: 1h12m}",
            "#     - {alert: SensorSilent, never_raises: true}",
            "interval: \(RuleDuration.format(interval))",
            "tests:",
            "  - name: \(quoted(name))",
            "    origin: \(time(from))",
            "    input_series:",
        ]
        var labels: [UInt8] = []
        JSONWriter.appendObject(history.device.labels, to: &labels)
        let metrics = history.readings.reduce(into: [String]()) { names, reading in
            if !names.contains(reading.metric) { names.append(reading.metric) }
        }
        for metric in metrics {
            lines += [
                "      - device: \(quoted(history.device.id))",
                "        type: \(quoted(history.device.type))",
                "        labels: \(String(decoding: labels, as: UTF8.self))",
                "        metric: \(quoted(metric))",
                "        points:",
            ]
            for reading in history.readings where reading.metric == metric {
                lines.append("          - {at: \(RuleDuration.format(reading.timestamp - from)), value: \(JSONWriter.number(reading.value))}")
            }
        }
        if events.isEmpty {
            lines.append("    expect: []")
        } else {
            lines.append("    expect:")
            for event in events {
                var line = "      - {at: \(RuleDuration.format(event.at)), type: \(event.typeName), alert: \(quoted(event.alert)), device: \(quoted(event.device))"
                if let value = event.value { line += ", value: \(JSONWriter.number(value))" }
                lines.append(line + "}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
