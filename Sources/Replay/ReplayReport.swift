import Rules
import Telemetry

/// A self-contained HTML report of a replayed range (`replay --report`): a summary, a chart per
/// device and metric (mean line, min/max envelope, alert bands) and the alert table.
///
/// One file with inline CSS and inline SVG, no script and no external resource, readable
/// offline in any browser. Memory is bounded by the series count times ``buckets``, whatever
/// the range: readings are folded into time buckets as they stream by.
public struct ReplayReport {
    /// Time buckets per chart.
    public let buckets: Int
    /// Inclusive start of the charted range (ms).
    public let start: Int64
    /// Exclusive end of the charted range (ms).
    public let end: Int64
    private let catalog: DeviceCatalog?
    private let severities: [String: String]
    private var devices: [String: Device] = [:]
    private var series: [ReportSeries] = []
    /// Series positions by device, then metric.
    private var positions: [String: [String: Int]] = [:]
    private var cachedDevice = ""
    private var cachedPositions: [String: Int] = [:]
    private var events: [AlertEvent] = []
    private(set) var readings = 0
    /// Rows of the alert table at most; the summary still counts every event.
    static let tableLimit = 10_000

    /// - Parameters:
    ///   - catalog: gives the metrics' units, when known.
    ///   - rules: gives the severities of cleared alerts.
    public init(start: Int64, end: Int64, catalog: DeviceCatalog? = nil, rules: RuleSet? = nil, buckets: Int = 300) {
        self.start = start
        self.end = max(end, start + 1)
        self.catalog = catalog
        self.buckets = max(1, buckets)
        severities = Dictionary((rules?.rules ?? []).map { ($0.name, $0.severity.rawValue) }, uniquingKeysWith: { a, _ in a })
    }

    /// Folds a reading into its series; readings outside the range are ignored.
    public mutating func add(_ reading: Reading, device: Device) {
        guard reading.timestamp >= start, reading.timestamp < end else { return }
        readings += 1
        if reading.device != cachedDevice {
            if devices[device.id] == nil { devices[device.id] = device }
            cachedDevice = reading.device
            cachedPositions = positions[reading.device] ?? [:]
        }
        let position: Int
        if let known = cachedPositions[reading.metric] {
            position = known
        } else {
            position = series.count
            series.append(ReportSeries(start: start, end: end, buckets: buckets))
            cachedPositions[reading.metric] = position
            positions[reading.device] = cachedPositions
        }
        series[position].add(timestamp: reading.timestamp, value: reading.value)
    }

    /// Records a replayed alert event.
    public mutating func add(_ event: AlertEvent) {
        events.append(event)
    }

    /// The whole document.
    public func html(title: String = "telemetry-bridge replay report") -> String {
        let ordered = events.sorted { $0.at != $1.at ? $0.at < $1.at : $0.device < $1.device }
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>\(HTMLText.escape(title))</title><style>\(Self.style)</style></head><body>\n"
        html += "<h1>\(HTMLText.escape(title))</h1>\n"
        html += summary(ordered)
        html += "<h2>Charts</h2>\n"
        let bands = bandsByDevice(ordered)
        for device in positions.keys.sorted() {
            let type = devices[device]?.type ?? ""
            html += "<section class=\"device\"><h3>\(HTMLText.escape(device)) <small>\(HTMLText.escape(type))</small></h3>\n"
            let metrics = positions[device] ?? [:]
            for metric in metrics.keys.sorted() {
                guard let position = metrics[metric] else { continue }
                let data = series[position]
                let unit = catalog?.type(named: type)?.metric(named: metric)?.unit
                html += "<figure><figcaption>\(HTMLText.escape(metric))" + (unit.map { " (\(HTMLText.escape($0)))" } ?? "")
                    + " <small>\(data.readings) readings, min \(ReplayText.value(data.low)), max \(ReplayText.value(data.high))</small></figcaption>"
                html += ReportChart(series: data, start: start, end: end, bands: bands[device] ?? []).svg()
                html += "</figure>\n"
            }
            html += "</section>\n"
        }
        html += alertTable(ordered)
        return html + "</body></html>\n"
    }

    private func summary(_ ordered: [AlertEvent]) -> String {
        var html = "<section class=\"summary\"><table>"
        html += row("Range", ReplayText.time(start) + " to " + ReplayText.time(end))
        html += row("Devices", String(positions.count))
        html += row("Series", String(series.count))
        html += row("Readings", String(readings))
        html += row("Alert events", String(ordered.count))
        html += "</table>"
        var counts: [String: (raised: Int, cleared: Int)] = [:]
        for event in ordered {
            switch event {
            case .raised: counts[event.alert, default: (0, 0)].raised += 1
            case .cleared: counts[event.alert, default: (0, 0)].cleared += 1
            }
        }
        if !counts.isEmpty {
            html += "<h2>Alerts by rule</h2><table class=\"rules\"><tr><th>Alert</th><th>Severity</th><th>Raised</th><th>Cleared</th></tr>"
            for alert in counts.keys.sorted() {
                let count = counts[alert] ?? (0, 0)
                html += "<tr><td>\(HTMLText.escape(alert))</td><td>\(HTMLText.escape(severity(of: alert, in: ordered)))</td>"
                    + "<td>\(count.raised)</td><td>\(count.cleared)</td></tr>"
            }
            html += "</table>"
        }
        return html + "</section>\n"
    }

    private func alertTable(_ ordered: [AlertEvent]) -> String {
        var html = "<h2>Alerts</h2>\n"
        guard !ordered.isEmpty else { return html + "<p>No alert in this range.</p>\n" }
        html += "<table class=\"alerts\"><tr><th>Time</th><th>Event</th><th>Alert</th><th>Device</th><th>Severity</th>"
            + "<th>Value</th><th>Message</th></tr>\n"
        for event in ordered.prefix(Self.tableLimit) {
            let (severity, message): (String, String) = switch event {
            case .raised(let raised): (raised.severity.rawValue, raised.message)
            case .cleared(let cleared): (severities[cleared.alert] ?? "", "raised " + ReplayText.time(cleared.raisedAt))
            }
            html += "<tr class=\"\(event.typeName)\"><td>\(ReplayText.time(event.at))</td><td>\(event.typeName)</td>"
                + "<td>\(HTMLText.escape(event.alert))</td><td>\(HTMLText.escape(event.device))</td>"
                + "<td class=\"\(HTMLText.escape(severity))\">\(HTMLText.escape(severity))</td>"
                + "<td>\(ReplayText.value(event.value))</td><td>\(HTMLText.escape(message))</td></tr>\n"
        }
        html += "</table>\n"
        if ordered.count > Self.tableLimit {
            html += "<p>\(ordered.count - Self.tableLimit) more events not listed.</p>\n"
        }
        return html
    }

    /// Firing intervals per device: raised to cleared; still firing at the end runs to the end,
    /// cleared without a raise in range starts at its `raisedAt`.
    private func bandsByDevice(_ ordered: [AlertEvent]) -> [String: [ReportChart.Band]] {
        var bands: [String: [ReportChart.Band]] = [:]
        var open: [String: [String: (at: Int64, severity: String)]] = [:]
        for event in ordered {
            switch event {
            case .raised(let raised):
                open[raised.device, default: [:]][raised.alert] = (raised.at, raised.severity.rawValue)
            case .cleared(let cleared):
                let raised = open[cleared.device]?.removeValue(forKey: cleared.alert)
                bands[cleared.device, default: []].append(ReportChart.Band(
                    alert: cleared.alert, severity: raised?.severity ?? severities[cleared.alert] ?? "",
                    from: raised?.at ?? cleared.raisedAt, to: cleared.at))
            }
        }
        for (device, alerts) in open {
            for (alert, raised) in alerts {
                bands[device, default: []].append(ReportChart.Band(alert: alert, severity: raised.severity, from: raised.at, to: end))
            }
        }
        return bands
    }

    private func severity(of alert: String, in ordered: [AlertEvent]) -> String {
        if let known = severities[alert] { return known }
        for case .raised(let raised) in ordered where raised.alert == alert { return raised.severity.rawValue }
        return ""
    }

    private func row(_ name: String, _ value: String) -> String {
        "<tr><th>\(HTMLText.escape(name))</th><td>\(HTMLText.escape(value))</td></tr>"
    }

    private static let style = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#fff}
        h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px;margin:18px 0 4px}
        small{color:#667;font-weight:normal}table{border-collapse:collapse;margin:8px 0}
        th,td{border-bottom:1px solid #e3e6ec;padding:3px 10px;text-align:left;vertical-align:top}
        .summary th{color:#556}figure{margin:6px 0 14px}figcaption{font-size:13px;margin-bottom:2px}
        svg.chart{width:100%;max-width:900px;height:auto;display:block}
        svg .plot{fill:#fafbfd;stroke:#d5d9e2}svg text{font-size:11px;fill:#556}
        svg .envelope{fill:#8fb3e8;fill-opacity:.35;stroke:none}
        svg .mean{fill:none;stroke:#1f5fbf;stroke-width:1.4}
        svg .band{fill:#d98b1f;fill-opacity:.18}svg .band.critical{fill:#d0342c;fill-opacity:.2}
        svg .band.info{fill:#2c8fd0;fill-opacity:.15}
        td.critical{color:#b3261e;font-weight:600}td.warning{color:#a15c00}
        tr.AlertCleared td{color:#2d6a3e}
        @media (prefers-color-scheme:dark){body{background:#15181e;color:#dfe3ea}svg .plot{fill:#1c2028;stroke:#333a46}
        th,td{border-color:#2a303b}svg text{fill:#9aa3b2}}
        """
}
