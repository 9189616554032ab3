import Hummingbird
import Replay
import Rules
import Storage
import Telemetry

extension DashboardAPI {
    /// A draft rule file is at most this big.
    static let maximumDraftBytes = 256 * 1024
    /// And replays at most this much of one device's history.
    static let maximumBacktestRange: Int64 = 31 * 86_400_000

    /// `POST /api/backtest?device&from&to` with a draft rule file (YAML) as the body: the draft and
    /// the current rules replayed over the device's stored readings in the range, as alert bands
    /// per side with the counts of added, removed and moved events (the what-if diff, for the
    /// device page). The draft is checked against the current rules' catalog and attributes; its
    /// diagnostics come back as the error message, one per line.
    func backtest(_ query: QueryParameters, draft bytes: [UInt8]) throws(APIError) -> Response {
        let device = try query.requiredString("device")
        let to = try query.time("to", now: now()) ?? now()
        let from = try query.time("from", now: now()) ?? to - Self.defaultRange
        guard from < to else { throw .badParameter("to", "must be after from") }
        guard to - from <= Self.maximumBacktestRange else { throw .badParameter("from", "a backtest covers at most 31 days") }
        guard let current = currentRules() else {
            throw .notFound("rules", "no rules are loaded to compare with (run or serve with --rules DIR)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .badParameter("rules", "the draft is not UTF-8 text") }
        let draft: RuleSet
        do {
            draft = try RuleSet.parse(files: [("draft.yaml", text)], schema: current.schema, attributes: current.attributes)
        } catch {
            throw .badParameter("rules", error.diagnostics.map(\.description).joined(separator: "\n"))
        }
        guard try storage({ () throws(StorageError) in try store.devices() }).contains(where: { $0.id == device }) else {
            throw .notFound("device", "unknown device '\(device)'")
        }
        var scope = ReplayScope(devices: [device])
        scope.from = from
        scope.to = to
        var events: [[AlertEvent]] = [[], []]
        do {
            try Replayer(store: store, scope: scope).run([current, draft]) { replay in
                guard replay.device == device else { return } // an id with glob characters selects others too
                events[0] += replay.events[0]
                events[1] += replay.events[1]
            }
        } catch {
            throw APIError(kind: .internalError, parameter: nil, message: "\(error)")
        }
        var comparison = AlertComparison()
        _ = comparison.compare(baseline: events[0].map(ComparedEvent.init), candidate: events[1].map(ComparedEvent.init))
        let rules = comparison.rules
        var json = JSONBytes(capacity: 512 + (events[0].count + events[1].count) * 120)
        json.raw(#"{"device":"#)
        json.string(device)
        json.raw(#","from":"#)
        json.time(from)
        json.raw(#","to":"#)
        json.time(to)
        json.raw(#","draftRules":["#)
        for (index, rule) in draft.rules.enumerated() {
            if index > 0 { json.byte(",") }
            json.string(rule.name)
        }
        json.raw(#"],"added":"#)
        json.integer(rules.map(\.added).reduce(0, +))
        json.raw(#","removed":"#)
        json.integer(rules.map(\.removed).reduce(0, +))
        json.raw(#","moved":"#)
        json.integer(rules.map(\.moved).reduce(0, +))
        json.raw(#","current":"#)
        Self.bands(events[0], into: &json)
        json.raw(#","draft":"#)
        Self.bands(events[1], into: &json)
        json.byte("}")
        return JSONResponse.raw(json.bytes)
    }

    /// `[{"id","alert","severity","from","to"}]`: a raise and its clear; `to` null while firing at the end.
    private static func bands(_ events: [AlertEvent], into json: inout JSONBytes) {
        var cleared: [String: Int64] = [:]
        for case .cleared(let clear) in events { cleared[clear.raisedId] = clear.at }
        json.byte("[")
        var first = true
        for case .raised(let raised) in events {
            if !first { json.byte(",") }
            first = false
            json.raw(#"{"id":"#)
            json.string(raised.id)
            json.raw(#","alert":"#)
            json.string(raised.alert)
            json.raw(#","severity":"#)
            json.string(raised.severity.rawValue)
            json.raw(#","from":"#)
            json.time(raised.at)
            json.raw(#","to":"#)
            json.time(cleared[raised.id])
            json.byte("}")
        }
        json.byte("]")
    }
}
