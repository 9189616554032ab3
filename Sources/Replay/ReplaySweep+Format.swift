import Telemetry

extension ReplaySweep {
    /// The outcomes as output lines: table (aligned, durations as `2m30s`), csv
    /// (`<keys>,raised,firing_ms,median_time_to_raise_ms,notifications`) or jsonl
    /// (`{"values":{...},"raised","firingMs","medianTimeToRaiseMs","notifications"}`).
    public func lines(_ outcomes: [Outcome], format: ReplayFormat) -> [String] {
        let keys = dimensions.map(\.key)
        switch format {
        case .csv:
            var lines = [(keys + ["raised", "firing_ms", "median_time_to_raise_ms", "notifications"]).map(ReplayText.csvField).joined(separator: ",")]
            for outcome in outcomes {
                let cells = keys.map { outcome.values[$0] ?? "" }
                    + [String(outcome.raised), String(outcome.firingTime), outcome.medianTimeToRaise.map(String.init) ?? "",
                       String(outcome.notifications)]
                lines.append(cells.map(ReplayText.csvField).joined(separator: ","))
            }
            return lines
        case .jsonl:
            return outcomes.map { outcome in
                let values = keys.map { "\(JSONWriter.string($0)):\(JSONWriter.string(outcome.values[$0] ?? ""))" }.joined(separator: ",")
                return #"{"values":{\#(values)},"raised":\#(outcome.raised),"firingMs":\#(outcome.firingTime),"medianTimeToRaiseMs":\#(outcome.medianTimeToRaise.map(String.init) ?? "null"),"notifications":\#(outcome.notifications)}"#
            }
        case .table:
            let duration = { (value: Int64?) in value.map { DurationParser.format(milliseconds: $0) } ?? "-" }
            let titles = keys.map { $0.uppercased() } + ["RAISED", "FIRING", "MEDIAN TO RAISE", "NOTIFICATIONS"]
            let rows = outcomes.map { outcome in
                keys.map { outcome.values[$0] ?? "" }
                    + [String(outcome.raised), duration(outcome.firingTime), duration(outcome.medianTimeToRaise), String(outcome.notifications)]
            }
            let widths = titles.indices.map { column in ([titles[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0 }
            return ([titles] + rows).map { row in
                var line = zip(row, widths).map { ReplayText.padded($0, $1) }.joined(separator: "  ")
                while line.hasSuffix(" ") { line.removeLast() }
                return line
            }
        }
    }
}
