import Foundation
import Telemetry
import Yams

/// Reads a rules file's `maintenance:` list into windows, collecting every problem with its
/// position (the same diagnostics as rules: `file:line:column`, a caret, a suggestion).
struct MaintenanceFileParser {
    static let keys = ["name", "alert", "device", "where", "every", "from", "to", "timezone", "comment"]

    let source: SourceFile
    private(set) var diagnostics: [RuleDiagnostic] = []
    private(set) var windows: [MaintenanceWindow] = []

    init(source: SourceFile) {
        self.source = source
    }

    /// `definedAt`: where each window name was first defined, across files.
    mutating func parse(_ node: Node, definedAt: inout [String: String]) {
        if case .scalar(let scalar) = node, scalar.isNull { return }
        guard let sequence = node.sequence else {
            diagnostics.append(source.diagnostic(at: node, length: 1, "'maintenance' must be a list of windows"))
            return
        }
        for item in sequence {
            guard let window = parseWindow(item) else { continue }
            if let previous = definedAt[window.mark] {
                let nameNode = item.mapping?.first { $0.key.string == "name" }?.value ?? item
                diagnostics.append(source.diagnostic(at: nameNode, "maintenance window '\(window.name)' is already defined at \(previous)"))
            } else {
                definedAt[window.mark] = "\(source.name):\(window.line)"
                windows.append(window)
            }
        }
    }

    // swiftlint:disable:next function_body_length cyclomatic_complexity
    private mutating func parseWindow(_ item: Node) -> MaintenanceWindow? {
        guard let mapping = item.mapping else {
            diagnostics.append(source.diagnostic(at: item, length: 1, "each maintenance window must be a mapping starting with 'name:'"))
            return nil
        }
        let before = diagnostics.count
        let nodes = source.fields(of: mapping, allowed: Self.keys, diagnostics: &diagnostics)
        func text(_ key: String) -> (node: Node, text: String)? {
            guard let node = nodes[key]?.value else { return nil }
            guard let scalar = node.scalar else {
                diagnostics.append(source.diagnostic(at: node, length: 1, "'\(key)' must be a single value, not a list or mapping"))
                return nil
            }
            return (node, scalar.string)
        }
        let line = item.mark?.line ?? 1

        var name = ""
        if let (node, value) = text("name") {
            name = value
            if value.isEmpty || !value.unicodeScalars.allSatisfy(RuleFileParser.isNameScalar) {
                diagnostics.append(source.diagnostic(at: node, "a window name may only use letters, digits, '_', '-' and '.'"))
            }
        } else if nodes["name"] == nil {
            diagnostics.append(source.diagnostic(at: item, length: 1, "maintenance window is missing 'name:'"))
        }

        var matchers: SilenceMatchers?
        let alert = text("alert"), device = text("device"), condition = text("where")
        do throws(SilenceMatcherError) {
            matchers = try SilenceMatchers(alert: alert?.text, device: device?.text, where: condition?.text)
        } catch {
            let node = switch error.matcher {
            case "device": device?.node
            case "where": condition?.node
            default: alert?.node
            }
            if let node {
                diagnostics.append(source.diagnostic(in: node, offset: (error.column ?? 1) - 1, length: 1, error.message))
            } else {
                diagnostics.append(source.diagnostic(at: item, length: 1, error.message.replacingOccurrences(of: "a silence", with: "a maintenance window")))
            }
        }

        var time = LocalTime(zone: TimeZone(identifier: "UTC") ?? .gmt)
        if let (node, value) = text("timezone") {
            if let zone = TimeZone(identifier: value) {
                time = LocalTime(zone: zone)
            } else {
                diagnostics.append(source.diagnostic(at: node, "unknown time zone '\(value)' (use an IANA name such as Europe/Berlin)",
                                                     suggestion: Suggestion.nearest(to: value, in: TimeZone.knownTimeZoneIdentifiers)))
            }
        }

        var schedule: MaintenanceWindow.Schedule?
        let from = text("from"), to = text("to")
        if nodes["from"] == nil {
            diagnostics.append(source.diagnostic(at: nodes["name"]?.key ?? item, length: 1, "maintenance window '\(name)' is missing 'from:'"))
        }
        if nodes["to"] == nil {
            diagnostics.append(source.diagnostic(at: nodes["name"]?.key ?? item, length: 1, "maintenance window '\(name)' is missing 'to:'"))
        }
        if let every = nodes["every"]?.value {
            let days = parseDays(every)
            let start = from.flatMap { clockMinute($0.node, $0.text, allowEndOfDay: false) }
            let end = to.flatMap { clockMinute($0.node, $0.text, allowEndOfDay: true) }
            if let start, let end, start == end, let to {
                diagnostics.append(source.diagnostic(at: to.node, "'to' equals 'from': the window would be empty (00:00 to 24:00 is a whole day)"))
            } else if let days, let start, let end {
                schedule = .weekly(WeeklySchedule(days: days, start: start, end: end, time: time))
            }
        } else {
            let start = from.flatMap { instant($0.node, $0.text, key: "from", time: time) }
            let end = to.flatMap { instant($0.node, $0.text, key: "to", time: time) }
            if let start, let end, end <= start, let to {
                diagnostics.append(source.diagnostic(at: to.node, "'to' must be after 'from'"))
            } else if let start, let end {
                schedule = .once(from: start, until: end)
            }
        }
        let comment = text("comment")?.text ?? ""

        guard diagnostics.count == before, let matchers, let schedule else { return nil }
        return MaintenanceWindow(name: name, matchers: matchers, schedule: schedule, comment: comment, file: source.name, line: line)
    }

    /// `every:` a day or a list of them: `monday` ... `sunday` (or `mon`, `mondays`), `day`,
    /// `weekday`, `weekend`.
    private mutating func parseDays(_ node: Node) -> UInt8? {
        let items: [Node] = node.sequence.map(Array.init) ?? [node]
        var days: UInt8 = 0
        var valid = !items.isEmpty
        if items.isEmpty {
            diagnostics.append(source.diagnostic(at: node, length: 1, "'every' needs at least one day"))
        }
        for item in items {
            guard let word = item.scalar?.string else {
                diagnostics.append(source.diagnostic(at: item, length: 1, "'every' takes a day or a list of days"))
                valid = false
                continue
            }
            if let bits = Self.dayBits(word) {
                days |= bits
            } else {
                diagnostics.append(source.diagnostic(
                    at: item, "unknown day '\(word)' (use monday ... sunday, day, weekday or weekend)",
                    suggestion: Suggestion.nearest(to: word.lowercased(), in: WeeklySchedule.dayNames + ["day", "weekday", "weekend"])))
                valid = false
            }
        }
        return valid ? days : nil
    }

    static func dayBits(_ word: String) -> UInt8? {
        var lowered = word.lowercased()
        if lowered.count > 3, lowered.hasSuffix("s") { lowered.removeLast() }
        switch lowered {
        case "day", "daily": return 0b111_1111
        case "weekday": return 0b001_1111
        case "weekend": return 0b110_0000
        default: break
        }
        for (index, name) in WeeklySchedule.dayNames.enumerated() where lowered == name || lowered == String(name.prefix(3)) {
            return 1 << UInt8(index)
        }
        return nil
    }

    /// `HH:MM` as minutes after midnight (`24:00` only as an end).
    private mutating func clockMinute(_ node: Node, _ text: String, allowEndOfDay: Bool) -> Int64? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
           let hour = Int64(parts[0]), let minute = Int64(parts[1]), minute < 60,
           hour < 24 || (allowEndOfDay && hour == 24 && minute == 0) {
            return hour * 60 + minute
        }
        diagnostics.append(source.diagnostic(
            at: node, "expected a time of day HH:MM" + (allowEndOfDay ? " (00:00 to 24:00)" : " (00:00 to 23:59)")
                + " with 'every:'; a one-off window has dates (2026-12-24T08:00)"))
        return nil
    }

    /// ISO 8601 date-time; without a zone it is local time in `timezone:` (UTC by default).
    private mutating func instant(_ node: Node, _ text: String, key: String, time: LocalTime) -> Int64? {
        guard text.utf8.count >= 16, let naive = TimestampParser.milliseconds(text: text),
              TimestampParser.calendarRange.contains(naive), text.utf8.dropFirst(4).first == UInt8(ascii: "-") else {
            diagnostics.append(source.diagnostic(
                at: node, "'\(key)' must be a date and time such as 2026-12-24T08:00 (local to 'timezone:') or 2026-12-24T08:00:00Z"
                    + "; for a recurring window add 'every:'"))
            return nil
        }
        let clock = text.utf8.dropFirst(10)
        let hasZone = clock.contains { $0 == UInt8(ascii: "Z") || $0 == UInt8(ascii: "z") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        if hasZone { return naive }
        let seconds = LocalTime.floorDivide(naive, 1000)
        return time.instant(localSeconds: seconds) + (naive - seconds * 1000)
    }
}
