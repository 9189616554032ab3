import Hummingbird
import Metrics
import Prometheus

/// What `/metrics` serves: a Prometheus registry in the text exposition format.
public struct MetricsEndpoint: Sendable {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public let registry: PrometheusCollectorRegistry
    /// Runs before each scrape, to bring gauges read from elsewhere up to date (connection, queue depth).
    let refresh: @Sendable () -> Void

    public init(registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () -> Void = {}) {
        self.registry = registry
        self.refresh = refresh
    }

    /// A swift-metrics factory over `registry` with histogram buckets per metric name (the
    /// daemon's are `BridgeMetrics.histogramBuckets`).
    public static func factory(registry: PrometheusCollectorRegistry,
                               histogramBuckets: [String: [Duration]]) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = histogramBuckets
        return factory
    }

    func response() -> Response {
        refresh()
        return Response(
            status: .ok,
            headers: [.contentType: Self.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}
