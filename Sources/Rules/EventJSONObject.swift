import Foundation

/// A stored event's JSON object, read field by field with errors that name the field: the one
/// reader behind ``AlertEvent/init(json:)`` and ``OperatorEvent/init(json:)``.
struct EventJSONObject {
    let fields: [String: Any]

    init(json: String) throws(AlertEventDecodingError) {
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                throw AlertEventDecodingError(message: "not a JSON object")
            }
            fields = parsed
        } catch let error as AlertEventDecodingError {
            throw error
        } catch {
            throw AlertEventDecodingError(message: "malformed JSON: \(error.localizedDescription)")
        }
        guard (fields["schema"] as? NSNumber)?.intValue == 1 else {
            throw AlertEventDecodingError(message: "unsupported schema \(fields["schema"].map { "\($0)" } ?? "(missing)")")
        }
    }

    init(fields: [String: Any]) {
        self.fields = fields
    }

    func string(_ key: String) throws(AlertEventDecodingError) -> String {
        guard let value = fields[key] as? String else { throw AlertEventDecodingError(message: "missing string '\(key)'") }
        return value
    }

    func optionalString(_ key: String) -> String? {
        fields[key] as? String
    }

    func time(_ key: String) throws(AlertEventDecodingError) -> Int64 {
        guard let value = EventTimestamp.parse(try string(key)) else {
            throw AlertEventDecodingError(message: "'\(key)' is not an ISO 8601 UTC time")
        }
        return value
    }

    func optionalTime(_ key: String) throws(AlertEventDecodingError) -> Int64? {
        fields[key] == nil || fields[key] is NSNull ? nil : try time(key)
    }

    func number(_ key: String) -> Double? {
        (fields[key] as? NSNumber)?.doubleValue
    }

    /// A boolean field; absent (or not a boolean) is false.
    func bool(_ key: String) -> Bool {
        fields[key] as? Bool ?? false
    }

    func strings(_ key: String) -> [String: String] {
        fields[key] as? [String: String] ?? [:]
    }

    func object(_ key: String) -> EventJSONObject {
        EventJSONObject(fields: fields[key] as? [String: Any] ?? [:])
    }
}
