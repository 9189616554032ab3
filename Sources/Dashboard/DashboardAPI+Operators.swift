import Hummingbird
import Operations
import Rules
import Storage
import Telemetry

/// Operators' actions and silences over HTTP: `POST /api/commands/<ack|silence|unsilence>` takes
/// the JSON of the MQTT command topics and answers with their response (`{"ok":...}`), with a
/// status that says the same (200, 400 invalid, 404 unknown, 409 not firing / already
/// acknowledged / silence over, 503); `GET /api/silences` lists silences, `GET
/// /api/silences/preview` the past raises a silence would have matched.
extension DashboardAPI {
    static let maximumPreviewLimit = 1000

    /// Carries out command `name` (its JSON body already read) through ``perform``.
    func command(_ name: String, body: [UInt8]) -> Response {
        let (result, requestID) = OperatorCommand.carryOut(name: name, payload: body, now: now()) { command throws(OperatorError) in
            try perform(command)
        }
        let status: HTTPResponse.Status = switch result {
        case .success: .ok
        case .failure(let error): Self.status(of: error)
        }
        return JSONResponse.raw(OperatorCommand.response(result, requestID: requestID), status: status)
    }

    static func status(of error: OperatorError) -> HTTPResponse.Status {
        switch error.code {
        case .invalid: .badRequest
        case .unknownAlert, .unknownSilence: .notFound
        case .notFiring, .alreadyAcknowledged, .silenceOver: .conflict
        case .unavailable: .serviceUnavailable
        }
    }

    /// `{"silences":[{"state","expiredAt","expiredBy","event"}]}`: active and pending ones (`all=true`:
    /// ended ones too), in creation order; `event` is the `SilenceCreated` as stored.
    func silences(_ query: QueryParameters) throws(APIError) -> Response {
        let all = try query.flag("all")
        let silences: Silences
        do {
            silences = try OperatorLog.silences(in: store)
        } catch {
            throw APIError(kind: .internalError, parameter: nil, message: "storage: \(error)")
        }
        let now = now()
        var json = JSONBytes(capacity: 256)
        json.append("{\"silences\":[")
        var first = true
        for silence in silences.all where all || silence.state(at: now) != .expired {
            if !first { json.append(",") }
            first = false
            json.append("{\"state\":")
            json.string(silence.state(at: now).rawValue)
            json.append(",\"expiredAt\":")
            json.time(silence.expiredAt)
            json.append(",\"expiredBy\":")
            json.string(silence.expiredBy)
            json.append(",\"event\":")
            json.append(SilenceCreated(silence: silence).json)
            json.append("}")
        }
        json.append("]}")
        return JSONResponse.raw(json.bytes)
    }

    /// `{"total":N,"matches":[AlertRaised...]}`: the raises of the last `days` (default 7) that
    /// matchers `alert`, `device`, `where` would have silenced, newest first, at most `limit`.
    func silencePreview(_ query: QueryParameters) throws(APIError) -> Response {
        let matchers: SilenceMatchers
        do {
            matchers = try SilenceMatchers(alert: query.string("alert"), device: query.string("device"), where: query.string("where"))
        } catch {
            throw APIError.badParameter(error.matcher, (error.column.map { "column \($0): " } ?? "") + error.message)
        }
        let days = try query.integer("days", in: 1...3650) ?? 7
        let limit = try query.integer("limit", in: 1...Self.maximumPreviewLimit) ?? 100
        let to = now()
        let preview: (matches: [AlertRaised], total: Int)
        do {
            preview = try AlertOperator(store: store).preview(matchers, from: to &- Int64(days) &* 86_400_000, to: to &+ 1, limit: limit)
        } catch {
            throw APIError(kind: .unavailable, parameter: nil, message: error.message)
        }
        var json = JSONBytes(capacity: 256 + preview.matches.count * 400)
        json.append("{\"total\":\(preview.total),\"matches\":")
        json.array(ofEncoded: preview.matches.map(\.json))
        json.append("}")
        return JSONResponse.raw(json.bytes)
    }
}
