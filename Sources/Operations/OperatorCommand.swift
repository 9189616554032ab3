import Storage
import Foundation
import Rules
import Telemetry

/// An operator's action as a JSON object, the one form the MQTT command topics
/// (`telemetry-bridge/<client id>/commands/<name>`) and the dashboard's API take:
///
/// - `ack`: `{"alert", "device", "by", "comment"?}`
/// - `silence`: `{"alert"?, "device"?, "where"?, "startsAt"?, "endsAt" | "duration", "by", "comment"?}`
///   (times as `TimeReference` reads them: ISO 8601, epoch ms, `now`, `-1h`; `duration` as `2h`)
/// - `unsilence`: `{"id", "by"}`
///
/// Every command may carry `requestId` (a string), echoed in the response for clients without
/// MQTT 5 correlation data. Unknown fields are refused (a typo must not silently do less).
public enum OperatorCommand: Sendable, Hashable {
    case acknowledge(AcknowledgeRequest)
    case silence(SilenceRequest)
    case unsilence(UnsilenceRequest)

    /// The command names, as the last topic level.
    public static let names = ["ack", "silence", "unsilence"]
    /// Largest command accepted.
    public static let maximumBytes = 65_536

    /// Reads command `name` from `payload`. The request id is returned even when the command is
    /// refused, so the refusal can name it.
    public static func parse(name: String, payload: [UInt8], now: Int64) -> (command: Result<OperatorCommand, OperatorError>, requestID: String?) {
        guard payload.count <= maximumBytes else {
            return (.failure(OperatorError(.invalid, "command larger than \(maximumBytes) bytes")), nil)
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(payload), options: .fragmentsAllowed) as? [String: Any] else {
                return (.failure(OperatorError(.invalid, "the command must be a JSON object")), nil)
            }
            object = parsed
        } catch {
            return (.failure(OperatorError(.invalid, "the command is not valid JSON")), nil)
        }
        let requestID = object["requestId"] as? String
        if let value = object["requestId"], requestID == nil, !(value is NSNull) {
            return (.failure(OperatorError(.invalid, parameter: "requestId", "must be a string")), nil)
        }
        do throws(OperatorError) {
            return (.success(try parse(name: name, object: object, now: now)), requestID)
        } catch {
            return (.failure(error), requestID)
        }
    }

    /// Reads command `name` from an already decoded object (the CLI builds one from its flags).
    public static func parse(name: String, object: [String: Any], now: Int64) throws(OperatorError) -> OperatorCommand {
        let fields = Fields(object: object)
        switch name {
        case "ack":
            try fields.allow(["alert", "device", "by", "comment"])
            return .acknowledge(AcknowledgeRequest(alert: try fields.string("alert"), device: try fields.string("device"),
                                                   by: try fields.string("by"), comment: try fields.optionalString("comment") ?? ""))
        case "silence":
            try fields.allow(["alert", "device", "where", "startsAt", "endsAt", "duration", "by", "comment"])
            let (alert, device, whereText) = (try fields.optionalString("alert"), try fields.optionalString("device"),
                                              try fields.optionalString("where"))
            let matchers: SilenceMatchers
            do throws(SilenceMatcherError) {
                matchers = try SilenceMatchers(alert: alert, device: device, where: whereText)
            } catch {
                throw OperatorError(.invalid, parameter: error.matcher, (error.column.map { "column \($0): " } ?? "") + error.message)
            }
            // A silence without a start starts at the command's `now`, the time its duration counts from.
            let startsAt = try fields.optionalTime("startsAt", now: now) ?? now
            let endsAt: Int64
            switch (try fields.optionalTime("endsAt", now: now), try fields.optionalString("duration")) {
            case (let end?, nil):
                endsAt = end
            case (nil, let duration?):
                guard let milliseconds = DurationParser.milliseconds(duration), milliseconds > 0 else {
                    throw OperatorError(.invalid, parameter: "duration", "'\(duration)' is not a duration such as 2h or 30m")
                }
                let (end, overflow) = startsAt.addingReportingOverflow(milliseconds)
                guard !overflow, TimestampParser.calendarRange.contains(end) else {
                    throw OperatorError(.invalid, parameter: "duration", "'\(duration)' ends after the year 9999")
                }
                endsAt = end
            case (nil, nil):
                throw OperatorError(.invalid, parameter: "endsAt", "give endsAt or duration")
            case (.some, .some):
                throw OperatorError(.invalid, parameter: "duration", "give endsAt or duration, not both")
            }
            return .silence(SilenceRequest(matchers: matchers, startsAt: startsAt, endsAt: endsAt, by: try fields.string("by"),
                                           comment: try fields.optionalString("comment") ?? ""))
        case "unsilence":
            try fields.allow(["id", "by"])
            return .unsilence(UnsilenceRequest(id: try fields.string("id"), by: try fields.string("by")))
        default:
            let hint = Suggestion.nearest(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw OperatorError(.invalid, parameter: "command", "unknown command '\(name)'\(hint); commands: \(names.joined(separator: ", "))")
        }
    }

    /// Reads command `name` from `payload` and carries it out with `perform`: the one path of the
    /// MQTT command topics and the dashboard's API. The request id comes back even for a refusal.
    public static func carryOut(
        name: String, payload: [UInt8], now: Int64,
        perform: (OperatorCommand) throws(OperatorError) -> LoggedAlertEvent
    ) -> (result: Result<LoggedAlertEvent, OperatorError>, requestID: String?) {
        let parsed = parse(name: name, payload: payload, now: now)
        switch parsed.command {
        case .success(let command):
            do {
                return (.success(try perform(command)), parsed.requestID)
            } catch {
                return (.failure(error), parsed.requestID)
            }
        case .failure(let error):
            return (.failure(error), parsed.requestID)
        }
    }

    /// Carries it out.
    public func perform(with operations: AlertOperator, now: Int64) throws(OperatorError) -> LoggedAlertEvent {
        switch self {
        case .acknowledge(let request): try operations.acknowledge(request, now: now)
        case .silence(let request): try operations.silence(request, now: now)
        case .unsilence(let request): try operations.unsilence(request, now: now)
        }
    }

    /// The response to a command: `{"ok":true,"requestId"?,"event":{...}}` or
    /// `{"ok":false,"requestId"?,"error":{"code","parameter"?,"message"}}`.
    public static func response(_ result: Result<LoggedAlertEvent, OperatorError>, requestID: String?) -> [UInt8] {
        var bytes = Array("{\"ok\":".utf8)
        switch result {
        case .success: bytes += Array("true".utf8)
        case .failure: bytes += Array("false".utf8)
        }
        if let requestID {
            bytes += Array(",\"requestId\":".utf8)
            JSONWriter.appendString(requestID, to: &bytes)
        }
        switch result {
        case .success(let event):
            bytes += Array(",\"event\":".utf8) + Array(event.record.event.utf8)
        case .failure(let error):
            bytes += Array(",\"error\":{\"code\":".utf8)
            JSONWriter.appendString(error.code.rawValue, to: &bytes)
            if let parameter = error.parameter {
                bytes += Array(",\"parameter\":".utf8)
                JSONWriter.appendString(parameter, to: &bytes)
            }
            bytes += Array(",\"message\":".utf8)
            JSONWriter.appendString(error.message, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// A command's JSON fields, read with errors naming the field.
    struct Fields {
        let object: [String: Any]

        func allow(_ names: [String]) throws(OperatorError) {
            for key in object.keys.sorted() where key != "requestId" && !names.contains(key) {
                let hint = Suggestion.nearest(to: key, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw OperatorError(.invalid, parameter: key, "unknown field\(hint); fields: \(names.joined(separator: ", "))")
            }
        }

        func optionalString(_ key: String) throws(OperatorError) -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else { throw OperatorError(.invalid, parameter: key, "must be a string") }
            return text
        }

        func string(_ key: String) throws(OperatorError) -> String {
            guard let text = try optionalString(key), !text.isEmpty else { throw OperatorError(.invalid, parameter: key, "missing") }
            return text
        }

        func optionalTime(_ key: String, now: Int64) throws(OperatorError) -> Int64? {
            let text: String
            if let number = object[key] as? NSNumber, !(object[key] is Bool) {
                text = number.stringValue
            } else if let string = try optionalString(key) {
                text = string
            } else {
                return nil
            }
            switch TimeReference.milliseconds(text, now: { now }) {
            case .success(let time): return time
            case .failure(let failure): throw OperatorError(.invalid, parameter: key, "'\(text)': \(failure)")
            }
        }
    }
}
