import GRDB

/// The database schema, as an ordered list of migrations. Migrations are append-only: a shipped
/// migration is never edited, later schema changes are new migrations.
///
/// Readings live in two tables with the same identity (series, timestamp):
/// - `readings`, clustered by series then time: what range queries and exports read;
/// - `recent_readings`, clustered by time: where each batch lands. A batch of N readings over
///   many series then dirties a few pages instead of one page per series (which made every
///   commit write megabytes of WAL), and the writer periodically moves the rows into `readings`
///   in series order, one transaction for tens of thousands of readings.
/// A reading is in exactly one of the two; `all_readings` is their union for ad-hoc SQL.
enum StoreSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-readings") { db in
            try db.execute(sql: """
                CREATE TABLE devices (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    labels TEXT NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL
                );
                CREATE TABLE series (
                    id INTEGER PRIMARY KEY,
                    device TEXT NOT NULL REFERENCES devices(id),
                    metric TEXT NOT NULL,
                    unit TEXT,
                    UNIQUE(device, metric)
                );
                CREATE TABLE readings (
                    series_id INTEGER NOT NULL,
                    ts INTEGER NOT NULL,
                    value REAL NOT NULL,
                    PRIMARY KEY(series_id, ts)
                ) WITHOUT ROWID;
                CREATE TABLE recent_readings (
                    ts INTEGER NOT NULL,
                    series_id INTEGER NOT NULL,
                    value REAL NOT NULL,
                    PRIMARY KEY(ts, series_id)
                ) WITHOUT ROWID;
                CREATE VIEW all_readings(series_id, ts, value) AS
                    SELECT series_id, ts, value FROM readings
                    UNION ALL
                    SELECT series_id, ts, value FROM recent_readings;
                """)
        }
        migrator.registerMigration("v1-dead-letters") { db in
            try db.execute(sql: """
                CREATE TABLE dead_letters (
                    id INTEGER PRIMARY KEY,
                    received_at INTEGER NOT NULL,
                    topic TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    reason TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    resolved_at INTEGER
                );
                CREATE INDEX dead_letters_received_at ON dead_letters(received_at);
                CREATE INDEX dead_letters_reason ON dead_letters(reason);
                """)
        }
        // The alert log: append-only, one row per published AlertRaised / AlertCleared.
        // `raised_id` is indexed (cleared events only) so the firing set is one anti-join. Rows are
        // never updated (a trigger refuses it); deleting old ones is left to retention.
        migrator.registerMigration("v2-alerts") { db in
            try db.execute(sql: """
                CREATE TABLE alerts (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL CHECK (type IN ('AlertRaised', 'AlertCleared')),
                    alert TEXT NOT NULL,
                    device TEXT NOT NULL,
                    severity TEXT,
                    at INTEGER NOT NULL,
                    raised_id TEXT,
                    value REAL,
                    event TEXT NOT NULL
                );
                CREATE INDEX alerts_alert_device_at ON alerts(alert, device, at);
                CREATE INDEX alerts_at ON alerts(at);
                CREATE INDEX alerts_raised_id ON alerts(raised_id) WHERE raised_id IS NOT NULL;
                CREATE TRIGGER alerts_are_immutable BEFORE UPDATE ON alerts
                BEGIN SELECT RAISE(ABORT, 'alert events are immutable'); END;
                """)
        }
        // Per-series rollups for charts: count/sum/min/max per minute and per hour (avg = sum /
        // count at query time). Buckets start at the floored minute/hour in ms. The writer keeps
        // them in the batch's transaction; existing readings are rolled up here once. Infinite
        // readings (stored raw) are left out, so a sum never turns into NaN.
        migrator.registerMigration("v3-rollups") { db in
            try db.execute(sql: """
                CREATE TABLE rollups_1m (
                    series_id INTEGER NOT NULL,
                    bucket INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    sum REAL NOT NULL,
                    min REAL NOT NULL,
                    max REAL NOT NULL,
                    PRIMARY KEY(series_id, bucket)
                ) WITHOUT ROWID;
                CREATE TABLE rollups_1h (
                    series_id INTEGER NOT NULL,
                    bucket INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    sum REAL NOT NULL,
                    min REAL NOT NULL,
                    max REAL NOT NULL,
                    PRIMARY KEY(series_id, bucket)
                ) WITHOUT ROWID;
                INSERT INTO rollups_1m(series_id, bucket, count, sum, min, max)
                    SELECT series_id, ts - ((ts % 60000) + 60000) % 60000 AS minute,
                           count(*), sum(value), min(value), max(value)
                    FROM readings WHERE abs(value) < 9e999 GROUP BY series_id, minute;
                INSERT INTO rollups_1h(series_id, bucket, count, sum, min, max)
                    SELECT series_id, bucket - ((bucket % 3600000) + 3600000) % 3600000 AS hour,
                           sum(count), sum(sum), min(min), max(max)
                    FROM rollups_1m GROUP BY series_id, hour;
                """)
        }
        // The alert log as an outbox: how far each sink (MQTT, Alertmanager, a webhook) has
        // confirmed delivery, as the `alerts` rowid (log order) of the last event it confirmed.
        migrator.registerMigration("v4-alert-deliveries") { db in
            try db.execute(sql: """
                CREATE TABLE alert_deliveries (
                    sink TEXT PRIMARY KEY NOT NULL,
                    delivered INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        // What a sink refused for good (a webhook's 4xx): its dead letters, with the response, so
        // delivery goes on past them and an operator can see why. `logged_at` is the wall-clock
        // time an event was committed (NULL for events stored before): a sink's lag in seconds.
        // A failing sink's first failure time and last error, for `alerts deliveries`.
        migrator.registerMigration("v5-delivery-refusals") { db in
            try db.execute(sql: """
                CREATE TABLE alert_delivery_refusals (
                    sink TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    event_id TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    response TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY(sink, sequence)
                ) WITHOUT ROWID;
                ALTER TABLE alerts ADD COLUMN logged_at INTEGER;
                ALTER TABLE alert_deliveries ADD COLUMN failing_since INTEGER;
                ALTER TABLE alert_deliveries ADD COLUMN last_error TEXT;
                """)
        }
        // Operators' events join the alert log (acknowledgements, silences): the type check is
        // widened, which SQLite can only do by copying the table (rowids, the log order the sinks'
        // cursors point into, are kept). For them `raised_id` is the event they refer to (an
        // acknowledgement's raise, an expiry's silence); a small partial index finds them.
        // `silenced`: the silence a raise (and its clear) was marked with, for the notifying sinks.
        migrator.registerMigration("v6-operator-events") { db in
            try db.execute(sql: """
                CREATE TABLE alerts_v6 (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL CHECK (type IN ('AlertRaised', 'AlertCleared', 'AlertAcknowledged',
                                                      'SilenceCreated', 'SilenceExpired')),
                    alert TEXT NOT NULL,
                    device TEXT NOT NULL,
                    severity TEXT,
                    at INTEGER NOT NULL,
                    raised_id TEXT,
                    value REAL,
                    event TEXT NOT NULL,
                    logged_at INTEGER,
                    silenced TEXT
                );
                INSERT INTO alerts_v6(rowid, id, type, alert, device, severity, at, raised_id, value, event, logged_at)
                    SELECT rowid, id, type, alert, device, severity, at, raised_id, value, event, logged_at FROM alerts ORDER BY rowid;
                DROP TABLE alerts;
                ALTER TABLE alerts_v6 RENAME TO alerts;
                CREATE INDEX alerts_alert_device_at ON alerts(alert, device, at);
                CREATE INDEX alerts_at ON alerts(at);
                CREATE INDEX alerts_raised_id ON alerts(raised_id) WHERE raised_id IS NOT NULL;
                CREATE INDEX alerts_operator ON alerts(type) WHERE type IN ('AlertAcknowledged', 'SilenceCreated', 'SilenceExpired');
                CREATE TRIGGER alerts_are_immutable BEFORE UPDATE ON alerts
                BEGIN SELECT RAISE(ABORT, 'alert events are immutable'); END;
                """)
        }
        // What a sink created on its receiver for an acknowledgement (an Alertmanager silence, so
        // Alertmanager stops repeating the alert's notifications), to undo it when the alert clears.
        migrator.registerMigration("v7-sink-silences") { db in
            try db.execute(sql: """
                CREATE TABLE sink_silences (
                    sink TEXT NOT NULL,
                    raised_id TEXT NOT NULL,
                    silence_id TEXT NOT NULL,
                    PRIMARY KEY(sink, raised_id)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }()
}
