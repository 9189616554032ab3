import GRDB

/// What a sink created on its receiver for an acknowledged alert (an Alertmanager silence), kept
/// so that the sink can undo it when the alert clears, also after a restart.
extension TelemetryStore {
    /// The receiver's id of what `sink` created for the acknowledgement of the raise `raisedID`.
    public func sinkSilence(sink: String, raisedID: String) throws(StorageError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT silence_id FROM sink_silences WHERE sink = ? AND raised_id = ?",
                                arguments: [sink, raisedID])
        }
    }

    /// Records (or, with `silenceID` nil, forgets) it.
    public func setSinkSilence(sink: String, raisedID: String, silenceID: String?) throws(StorageError) {
        do {
            try writerState.withLock { _ in
                try pool.write { db in
                    if let silenceID {
                        try db.execute(sql: """
                            INSERT INTO sink_silences(sink, raised_id, silence_id) VALUES (?, ?, ?)
                            ON CONFLICT(sink, raised_id) DO UPDATE SET silence_id = excluded.silence_id
                            """, arguments: [sink, raisedID, silenceID])
                    } else {
                        try db.execute(sql: "DELETE FROM sink_silences WHERE sink = ? AND raised_id = ?", arguments: [sink, raisedID])
                    }
                }
            }
        } catch {
            throw StorageError(error, path: path)
        }
    }
}
