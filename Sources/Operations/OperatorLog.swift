import Rules
import Storage

/// Reading operators' events back from the alert log.
public enum OperatorLog {
    /// Every silence the log holds (ended ones too), in creation order: what an engine consults
    /// for a replay of any range (``Silence`` bounds decide which raises each one marks).
    public static func silences(in store: TelemetryStore) throws(StorageError) -> Silences {
        silences(from: try store.operatorEvents())
    }

    /// The silences of these logged events (others are skipped), applied in order.
    public static func silences(from events: [LoggedAlertEvent]) -> Silences {
        var silences = Silences()
        for event in events {
            if let decoded = self.event(event.record) { silences.apply(decoded) }
        }
        return silences
    }

    /// The operator event of a stored record (nil for raises and clears, or unreadable JSON).
    public static func event(_ record: AlertRecord) -> OperatorEvent? {
        guard !record.type.isEngineEvent else { return nil }
        return try? OperatorEvent(json: record.event)
    }

    /// A raise's JSON with the `"acknowledged":{"id","by","comment","at"}` of its acknowledgement
    /// added (unchanged without one): the retained "active" copy on MQTT and the dashboard's
    /// firing alerts show it the same way.
    public static func raise(_ json: String, acknowledgedBy acknowledgement: AlertRecord?) -> String {
        guard let acknowledgement, case .acknowledged(let ack)? = event(acknowledgement), json.hasSuffix("}") else { return json }
        return String(json.dropLast()) + ",\"acknowledged\":" + ack.summaryJSON + "}"
    }
}
