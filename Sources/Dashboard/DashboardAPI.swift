import Hummingbird
import Storage
import Telemetry

/// The endpoint handlers: parameters in, JSON responses out.
struct DashboardAPI: Sendable {
    static let defaultRange: Int64 = 24 * 3_600_000
    static let defaultPoints = 500
    static let maximumPoints = 5_000
    static let defaultLimit = 1_000
    static let maximumLimit = 100_000
    static let previewBytes = 256
    /// How far back ``state(_:)`` looks for a series' latest value, widening step by step; the
    /// final step is unbounded so a series silent for longer still shows its last value.
    static let lookbacks: [Int64?] = [3_600_000, 86_400_000, 30 * 86_400_000, 366 * 86_400_000, nil]

    let store: TelemetryStore
    let now: DashboardApplication.Clock

    func respond(_ body: () throws(APIError) -> Response) -> Response {
        do {
            return try body()
        } catch {
            return JSONResponse.error(error)
        }
    }

    private func storage<T>(_ body: () throws(StorageError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            throw APIError(kind: .internalError, parameter: nil, message: "storage: \(error)")
        }
    }

    func devices() throws(APIError) -> Response {
        let devices = try storage { () throws(StorageError) in try store.devices() }
        let series = try storage { () throws(StorageError) in try store.series() }
        let byDevice = Dictionary(grouping: series, by: \.device)
        return JSONResponse.encode(devices.map { device in
            APIResponses.Device(
                id: device.id, type: device.type, labels: device.labels,
                firstSeen: ISO8601Timestamp.string(device.firstSeen), lastSeen: ISO8601Timestamp.string(device.lastSeen),
                series: (byDevice[device.id] ?? []).map { APIResponses.SeriesSummary(metric: $0.metric, unit: $0.unit) })
        })
    }

    func series(_ query: QueryParameters) throws(APIError) -> Response {
        let device = try query.requiredString("device")
        let metric = try query.requiredString("metric")
        let to = try query.time("to") ?? now()
        let from = try query.time("from") ?? to - Self.defaultRange
        guard from < to else { throw .badParameter("to", "must be after from") }
        let points = try query.integer("points", in: 1...Self.maximumPoints) ?? Self.defaultPoints
        let all = try storage { () throws(StorageError) in try store.series() }
        guard let stored = all.first(where: { $0.device == device && $0.metric == metric }) else {
            if all.contains(where: { $0.device == device }) {
                throw .notFound("metric", "device '\(device)' has no metric '\(metric)'")
            }
            throw .notFound("device", "unknown device '\(device)'")
        }
        let buckets = try storage { () throws(StorageError) in
            try store.series(device: device, metric: metric, from: from, to: to, points: points)
        }
        return JSONResponse.encode(APIResponses.Series(
            device: device, metric: metric, unit: stored.unit,
            from: ISO8601Timestamp.string(from), to: ISO8601Timestamp.string(to),
            points: buckets.map {
                APIResponses.Point(t: ISO8601Timestamp.string($0.start), min: $0.min, max: $0.max, avg: $0.avg, count: $0.count)
            }))
    }

    func alerts(_ query: QueryParameters) throws(APIError) -> Response {
        var filter = AlertFilter(from: try query.time("from"), to: try query.time("to"), alert: query.string("alert"))
        if let from = filter.from, let to = filter.to, from >= to { throw .badParameter("to", "must be after from") }
        if let device = query.string("device") { filter.devices = [device] }
        if let type = query.string("type") {
            guard let kind = AlertRecord.Kind(rawValue: type) ?? Self.kinds[type.lowercased()] else {
                throw .badParameter("type", "'\(type)' is not raised or cleared")
            }
            filter.type = kind
        }
        filter.limit = try query.integer("limit", in: 1...Self.maximumLimit) ?? Self.defaultLimit
        let records = try storage { () throws(StorageError) in try store.alerts(filter: filter) }
        return JSONResponse.raw(JSONResponse.array(records.map(\.event)))
    }

    private static let kinds: [String: AlertRecord.Kind] = ["raised": .raised, "cleared": .cleared]

    func state(_ query: QueryParameters) throws(APIError) -> Response {
        let at = try query.time("at") ?? now()
        let firing = try storage { () throws(StorageError) in try store.firingAlerts(at: at) }
        let series = try storage { () throws(StorageError) in try store.series() }
        var latest: [APIResponses.LatestValue] = []
        for entry in series {
            if let reading = try latestReading(device: entry.device, metric: entry.metric, at: at) {
                latest.append(APIResponses.LatestValue(
                    device: entry.device, metric: entry.metric, value: reading.value, t: ISO8601Timestamp.string(reading.timestamp)))
            }
        }
        var bytes = Array(#"{"at":""#.utf8)
        ISO8601Timestamp.append(at, to: &bytes)
        bytes += Array(#"","firing":"#.utf8)
        bytes += JSONResponse.array(firing.map(\.event))
        bytes += Array(#","latest":"#.utf8)
        bytes += JSONResponse.encodedBytes(latest)
        bytes.append(UInt8(ascii: "}"))
        return JSONResponse.raw(bytes)
    }

    /// The last reading of a series at or before `at`.
    private func latestReading(device: String, metric: String, at: Int64) throws(APIError) -> Reading? {
        let (end, overflow) = at.addingReportingOverflow(1)
        let to: Int64? = overflow ? nil : end
        for lookback in Self.lookbacks {
            let from = lookback.map { at.subtractingReportingOverflow($0) }.flatMap { $0.overflow ? nil : $0.partialValue }
            let readings = try storage { () throws(StorageError) in
                try store.readings(device: device, metric: metric, from: from, to: to)
            }
            if let last = readings.last { return last }
            if from == nil { break }
        }
        return nil
    }

    func deadLetters(_ query: QueryParameters) throws(APIError) -> Response {
        let filter = DeadLetterFilter(
            reason: query.string("reason"), topicPrefix: query.string("topic"),
            limit: try query.integer("limit", in: 1...Self.maximumLimit) ?? Self.defaultLimit)
        let letters = try storage { () throws(StorageError) in try store.deadLetters(filter: filter) }
        return JSONResponse.encode(letters.map { letter in
            APIResponses.DeadLetter(
                id: letter.id, receivedAt: ISO8601Timestamp.string(letter.receivedAt), topic: letter.topic,
                reason: letter.reason, detail: letter.detail,
                payloadPreview: String(decoding: letter.payload.prefix(Self.previewBytes), as: UTF8.self))
        })
    }
}
