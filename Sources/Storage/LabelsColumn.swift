import Foundation
import Telemetry

/// The `devices.labels` column: a JSON object of strings with keys sorted.
enum LabelsColumn {
    static func encode(_ labels: [String: String]) -> String {
        if labels.isEmpty { return "{}" }
        var bytes: [UInt8] = []
        JSONWriter.appendObject(labels, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes a stored labels object; `nil` when the text is not a JSON object of strings.
    static func decode(_ text: String) -> [String: String]? {
        if text == "{}" { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return nil
        }
        var labels: [String: String] = [:]
        labels.reserveCapacity(object.count)
        for (key, value) in object {
            guard let value = value as? String else { return nil }
            labels[key] = value
        }
        return labels
    }
}
