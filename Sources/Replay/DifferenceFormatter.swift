/// Turns `AlertDifference`s and the per-rule summary into output lines in a `ReplayFormat`.
///
/// jsonl: `{"change":"moved","type":"AlertRaised","alert":…,"device":…,"at":…,"shiftMs":…}` per
/// difference, then `{"summary":…}` per rule; csv: `change,type,alert,device,at,shift_ms` then
/// nothing else (the summary is derivable); table: `+`/`-`/`~` lines, then the summary table.
public struct DifferenceFormatter: Sendable {
    public let format: ReplayFormat
    public let colour: Bool
    /// Column titles of the summary: what the two sides are (`live`/`replay`, `current`/`draft`).
    public let baselineName: String
    public let candidateName: String

    public init(format: ReplayFormat, baselineName: String, candidateName: String, colour: Bool = false) {
        self.format = format
        self.colour = colour && format == .table
        self.baselineName = baselineName
        self.candidateName = candidateName
    }

    public var header: String? {
        format == .csv ? "change,type,alert,device,at,shift_ms" : nil
    }

    public func line(for difference: AlertDifference) -> String {
        switch format {
        case .jsonl:
            return #"{"change":"\#(difference.change.rawValue)","type":"\#(difference.type.rawValue)","alert":\#(ReplayText.jsonString(difference.alert)),"device":\#(ReplayText.jsonString(difference.device)),"at":"\#(ReplayText.time(difference.at))","shiftMs":\#(difference.shift)}"#
        case .csv:
            return [difference.change.rawValue, difference.type.rawValue, difference.alert, difference.device,
                    ReplayText.time(difference.at), String(difference.shift)].map(ReplayText.csvField).joined(separator: ",")
        case .table:
            let (mark, code) = switch difference.change {
            case .added: ("+", "32")
            case .removed: ("-", "31")
            case .moved: ("~", "33")
            }
            var text = mark + " " + ReplayText.padded(ReplayText.time(difference.at), 24) + "  "
                + ReplayText.padded(difference.type.rawValue, 12) + "  " + difference.alert + "  " + difference.device
            let detail = switch difference.change {
            case .added: "  only in \(candidateName)"
            case .removed: "  only in \(baselineName)"
            case .moved: "  moved \(ReplayText.shift(difference.shift)) to \(ReplayText.time(difference.at + difference.shift))"
            }
            text += detail
            return colour ? "\u{1B}[" + code + "m" + text + "\u{1B}[0m" : text
        }
    }

    /// The per-rule summary lines (none for csv).
    public func summary(_ comparison: AlertComparison) -> [String] {
        let rules = comparison.rules
        switch format {
        case .csv:
            return []
        case .jsonl:
            return rules.map {
                #"{"summary":{"alert":\#(ReplayText.jsonString($0.alert)),"\#(baselineName)":\#($0.baseline),"\#(candidateName)":\#($0.candidate),"added":\#($0.added),"removed":\#($0.removed),"moved":\#($0.moved),"notifications":{"\#(baselineName)":\#($0.baselineNotifications),"\#(candidateName)":\#($0.candidateNotifications),"saved":\#($0.savedNotifications)}}}"#
            }
        case .table:
            let width = max(5, rules.map(\.alert.count).max() ?? 0)
            let columns = [baselineName, candidateName, "added", "removed", "moved", "notify " + baselineName,
                           "notify " + candidateName, "saved"]
            func row(_ first: String, _ cells: [String]) -> String {
                ReplayText.padded(first, width) + zip(cells, columns).map { cell, title in
                    "  " + String(repeating: " ", count: max(0, max(title.count, 7) - cell.count)) + cell
                }.joined()
            }
            var lines = ["", row("RULE", columns.map { $0.uppercased() })]
            for rule in rules {
                lines.append(row(rule.alert, [rule.baseline, rule.candidate, rule.added, rule.removed, rule.moved,
                                              rule.baselineNotifications, rule.candidateNotifications,
                                              rule.savedNotifications].map(String.init)))
            }
            let verdict = comparison.isIdentical ? "identical" : "\(comparison.differenceCount) difference(s)"
            lines.append("\(baselineName) vs \(candidateName): \(verdict)"
                         + (comparison.tolerance > 0 ? " (moves within \(ReplayText.shift(comparison.tolerance).dropFirst()) ignored)" : ""))
            return lines
        }
    }
}
