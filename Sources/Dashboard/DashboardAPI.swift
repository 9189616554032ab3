import Hummingbird
import NIOCore
import NIOPosix
import Synchronization
import Rules
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
    let store: TelemetryStore
    let now: DashboardApplication.Clock
    /// Longest wait for an answer (``HTTPServerSettings/requestTimeout``).
    let requestTimeout: Duration
    /// Rules whose pending alerts `/api/state` and `/api/overview` show; none: no pending alerts.
    /// Asked per request: the daemon's rule set follows reloads.
    let currentRules: DashboardApplication.RulesProvider
    /// The running engine's pending alerts (`run`): used for answers about now instead of a
    /// warm-up per request. Nil (`serve`): always a warm-up.
    let livePending: DashboardApplication.PendingProvider?
    /// Carries out operators' commands (`run`: under the ingest pipeline's lock; `serve`: on the store).
    let perform: DashboardApplication.CommandPerformer

    /// The pending alerts of a running engine when the request asks about now (no `at`).
    private func livePendingNow(_ query: QueryParameters) -> [PendingAlert]? {
        query.string("at") == nil ? livePending?() : nil
    }

    /// The dashboard's own threads for handlers (their store reads block): apart from NIO's
    /// shared blocking pool, so slow answers never queue ahead of `/healthz` (whose store check
    /// in `serve` runs there) or file I/O, and at most this many answers are computed at once
    /// (the rest wait their turn, within ``requestTimeout``).
    static let handlerThreads = max(2, System.coreCount)
    static let handlerPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: handlerThreads)
        pool.start()
        return pool
    }()

    /// Runs a handler on ``handlerPool``; its ``APIError`` is thrown on to Hummingbird, which
    /// renders it. An answer not ready within ``requestTimeout`` is a 503: the client stops waiting
    /// (the read itself runs to its end, bounded by the `points` and `limit` caps).
    func respond(_ body: @escaping @Sendable () throws(APIError) -> Response) async throws(APIError) -> Response {
        try await respond(async: { () async throws(APIError) in try await onPool(body) })
    }

    /// ``respond(_:)`` for a handler that awaits its blocking steps (on ``handlerPool``) itself.
    func respond(async body: @escaping @Sendable () async throws(APIError) -> Response) async throws(APIError) -> Response {
        let timeout = requestTimeout
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Response, APIError>, Never>) in
            let pending = Mutex<CheckedContinuation<Result<Response, APIError>, Never>?>(continuation)
            let resume: @Sendable (Result<Response, APIError>) -> Void = { result in
                pending.withLock { $0.take() }?.resume(returning: result)
            }
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                resume(.failure(APIError(kind: .unavailable, parameter: nil,
                                         message: "the answer took longer than \(timeout); narrow the query")))
            }
            Task {
                let result: Result<Response, APIError>
                do throws(APIError) {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                timer.cancel()
                resume(result)
            }
        }
        return try result.get()
    }

    /// Runs a blocking step on ``handlerPool``; a stopping pool is a 503.
    private func onPool<T: Sendable>(_ body: @escaping @Sendable () throws(APIError) -> T) async throws(APIError) -> T {
        let result: Result<T, APIError>
        do {
            result = try await Self.handlerPool.runIfActive { () -> Result<T, APIError> in
                do throws(APIError) { return .success(try body()) } catch { return .failure(error) }
            }
        } catch {
            throw APIError(kind: .unavailable, parameter: nil, message: "the server is stopping")
        }
        return try result.get()
    }

    func storage<T>(_ body: () throws(StorageError) -> T) throws(APIError) -> T {
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
        let to = try query.time("to", now: now()) ?? now()
        let from = try query.time("from", now: now()) ?? to - Self.defaultRange
        guard from < to else { throw .badParameter("to", "must be after from") }
        let points = try query.integer("points", in: 1...Self.maximumPoints) ?? Self.defaultPoints
        let ofDevice = try storage { () throws(StorageError) in try store.series(device: device) }
        guard let stored = ofDevice.first(where: { $0.metric == metric }) else {
            if !ofDevice.isEmpty {
                throw .notFound("metric", "device '\(device)' has no metric '\(metric)'")
            }
            throw .notFound("device", "unknown device '\(device)'")
        }
        let buckets = try storage { () throws(StorageError) in
            try store.series(device: device, metric: metric, from: from, to: to, points: points)
        }
        var json = JSONBytes(capacity: 256 + buckets.count * 110)
        json.raw(#"{"device":"#)
        json.string(device)
        json.raw(#","metric":"#)
        json.string(metric)
        json.raw(#","unit":"#)
        json.string(stored.unit)
        json.raw(#","from":"#)
        json.time(from)
        json.raw(#","to":"#)
        json.time(to)
        json.raw(#","points":["#)
        for (index, bucket) in buckets.enumerated() {
            if index > 0 { json.byte(",") }
            json.bucket(bucket, count: true)
        }
        json.raw("]}")
        return JSONResponse.raw(json.bytes)
    }

    func alerts(_ query: QueryParameters) throws(APIError) -> Response {
        let filter = try alertFilter(query)
        let records = try storage { () throws(StorageError) in try store.alerts(filter: filter) }
        return JSONResponse.raw(JSONResponse.array(records.map(\.event)))
    }

    /// `/api/deliveries` with `/api/alerts`' parameters: `{"sinks":[{"sink","through","pending",
    /// "lagSeconds","refusals","failingSince","lastError"}],"events":{"<id>":[{"sink","state","reason"?}]}}`,
    /// where each selected event stands with every sink (`delivered`, `refused`, `pending`).
    func deliveries(_ query: QueryParameters) throws(APIError) -> Response {
        let filter = try alertFilter(query)
        let now = now()
        let (states, deliveries) = try storage { () throws(StorageError) in
            let records = try store.alerts(filter: filter)
            return (try store.deliveryStates(), try store.deliveries(ofEvents: records.map(\.id)))
        }
        var json = JSONBytes(capacity: 256 + deliveries.count * 64 * max(1, states.count))
        json.raw(#"{"sinks":["#)
        for (index, state) in states.enumerated() {
            if index > 0 { json.byte(",") }
            json.raw(#"{"sink":"#)
            json.string(state.sink)
            json.raw(#","through":"#)
            json.integer(Int(state.delivered))
            json.raw(#","pending":"#)
            json.integer(state.pendingEvents)
            json.raw(#","lagSeconds":"#)
            json.number(state.lagSeconds(now: now))
            json.raw(#","refusals":"#)
            json.integer(state.refusals)
            json.raw(#","failingSince":"#)
            json.time(state.failingSince)
            json.raw(#","lastError":"#)
            json.string(state.lastError)
            json.byte("}")
        }
        json.raw(#"],"events":{"#)
        for (index, (id, sinks)) in deliveries.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { json.byte(",") }
            json.string(id)
            json.raw(":[")
            for (sinkIndex, delivery) in sinks.enumerated() {
                if sinkIndex > 0 { json.byte(",") }
                json.raw(#"{"sink":"#)
                json.string(delivery.sink)
                switch delivery.state {
                case .delivered: json.raw(#","state":"delivered"}"#)
                case .pending: json.raw(#","state":"pending"}"#)
                case .refused(let reason):
                    json.raw(#","state":"refused","reason":"#)
                    json.string(reason)
                    json.byte("}")
                }
            }
            json.byte("]")
        }
        json.raw("}}")
        return JSONResponse.raw(json.bytes)
    }

    /// The selection of `/api/alerts` and `/api/deliveries`.
    private func alertFilter(_ query: QueryParameters) throws(APIError) -> AlertFilter {
        var filter = AlertFilter(from: try query.time("from", now: now()), to: try query.time("to", now: now()), alert: query.string("alert"))
        if let from = filter.from, let to = filter.to, from >= to { throw .badParameter("to", "must be after from") }
        if let device = query.string("device") { filter.devices = [device] }
        if let type = query.string("type") {
            guard let kind = AlertRecord.Kind(rawValue: type) ?? Self.kinds[type.lowercased()] else {
                throw .badParameter("type", "'\(type)' is not raised or cleared")
            }
            filter.type = kind
        }
        filter.limit = try query.integer("limit", in: 1...Self.maximumLimit) ?? Self.defaultLimit
        filter.newestFirst = try query.newestFirst()
        return filter
    }

    private static let kinds: [String: AlertRecord.Kind] = ["raised": .raised, "cleared": .cleared]

    /// `/api/state?at=`: `{"at","firing":[AlertRaised],"pending":[{"alert","device","severity","since"}],
    /// "latest":[{"device","metric","value","t"}]}` at T (default now).
    func state(_ query: QueryParameters) throws(APIError) -> Response {
        let at = try query.time("at", now: now()) ?? now()
        let live = livePendingNow(query)
        let snapshot = try storage { () throws(StorageError) in
            try FleetSnapshot(store: store, rules: currentRules(), at: at, livePending: live)
        }
        var json = JSONBytes(capacity: 256 + snapshot.latest.count * 96)
        json.raw(#"{"at":"#)
        json.time(at)
        json.raw(#","firing":"#)
        json.array(ofEncoded: snapshot.firingJSON)
        json.raw(#","pending":"#)
        FleetSnapshot.writePending(snapshot.pending, to: &json)
        json.raw(#","latest":["#)
        for (index, reading) in snapshot.latest.enumerated() {
            if index > 0 { json.byte(",") }
            json.raw(#"{"device":"#)
            json.string(reading.series.device)
            json.raw(#","metric":"#)
            json.string(reading.series.metric)
            json.raw(#","value":"#)
            json.number(reading.value)
            json.raw(#","t":"#)
            json.time(reading.timestamp)
            json.byte("}")
        }
        json.raw("]}")
        return JSONResponse.raw(json.bytes)
    }

    /// `/api/overview?at=`: see ``FleetOverview``.
    /// Two independent reads side by side, each a job of ``handlerPool`` (no thread waits for
    /// another job: a full pool cannot deadlock), then the JSON, written on the pool too.
    func overview(_ query: QueryParameters) async throws(APIError) -> Response {
        let at = try query.time("at", now: now()) ?? now()
        let store = self.store
        let rules = currentRules()
        let live = livePendingNow(query)
        let grid = try await blocking { () throws(StorageError) in try FleetOverview.Grid(store: store, at: at) }
        async let sparklines = blocking { () throws(StorageError) in
            try store.sparklineTable(from: grid.from, through: at, resolution: grid.resolution)
        }
        async let snapshot = blocking { () throws(StorageError) in
            try FleetSnapshot(store: store, rules: rules, at: at, readingDevices: true, livePending: live)
        }
        let overview: FleetOverview
        do {
            overview = FleetOverview(grid: grid, snapshot: try await snapshot, sparklines: try await sparklines)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(kind: .internalError, parameter: nil, message: "\(error)")
        }
        return try await blocking { () throws(StorageError) in JSONResponse.raw(overview.json()) }
    }

    /// Runs a blocking store read of an async handler on ``handlerPool``.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(StorageError) -> T) async throws(APIError) -> T {
        try await onPool { () throws(APIError) in try storage(body) }
    }

    func deadLetters(_ query: QueryParameters) throws(APIError) -> Response {
        let filter = DeadLetterFilter(
            reason: query.string("reason"), topicPrefix: query.string("topic"),
            from: try query.time("from", now: now()), to: try query.time("to", now: now()),
            limit: try query.integer("limit", in: 1...Self.maximumLimit) ?? Self.defaultLimit,
            newestFirst: try query.newestFirst())
        if let from = filter.from, let to = filter.to, from >= to { throw .badParameter("to", "must be after from") }
        let letters = try storage { () throws(StorageError) in try store.deadLetters(filter: filter) }
        return JSONResponse.encode(letters.map { letter in
            APIResponses.DeadLetter(
                id: letter.id, receivedAt: ISO8601Timestamp.string(letter.receivedAt), topic: letter.topic,
                reason: letter.reason, detail: letter.detail,
                payloadPreview: String(decoding: letter.payload.prefix(Self.previewBytes), as: UTF8.self))
        })
    }
}
