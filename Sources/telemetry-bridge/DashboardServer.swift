import Bridge
import Dashboard
import Dispatch
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The dashboard's HTTP server on a background task, beside the synchronous daemon (or alone in
/// `serve`). ``start(_:address:logger:)`` returns once it listens, or throws why it cannot.
final class DashboardServer: Sendable {
    struct StartError: Error, CustomStringConvertible {
        var address: HTTPAddress
        var reason: String
        var description: String {
            "the dashboard cannot listen on \(address) (--http): \(reason); choose another address or --http off"
        }
    }

    /// How long ``stop()`` waits for open requests to end.
    static let stopTimeout = DispatchTimeInterval.seconds(10)

    /// `http://HOST:PORT/` with the port actually bound.
    let url: String
    private let events: LiveEvents
    private let group: ServiceGroup
    private let finished: DispatchSemaphore

    private init(url: String, events: LiveEvents, group: ServiceGroup, finished: DispatchSemaphore) {
        self.url = url
        self.events = events
        self.group = group
        self.finished = finished
    }

    static func start(_ dashboard: DashboardApplication, address: HTTPAddress, logger: Logger) throws(StartError) -> DashboardServer {
        // Pages need the module's resource bundle beside the binary; the API, /metrics and
        // /healthz work without it, so a missing bundle is reported, not fatal.
        do {
            _ = try DashboardAssets.bundled()
        } catch {
            logger.error("dashboard pages unavailable (the JSON API still works)", metadata: ["error": "\(error)"])
        }
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Int, StartError>?>(nil)
        let application = dashboard.application(host: address.host, port: address.port, logger: logger) { port in
            outcome.withLock { $0 = .success(port) }
            started.signal()
        }
        // No signal handling here: the command owns SIGINT/SIGTERM and stops the server in order.
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        Task {
            do {
                try await group.run()
            } catch {
                let first = outcome.withLock { state in
                    if case .some = state { return false }
                    state = .failure(StartError(address: address, reason: "\(error)"))
                    return true
                }
                if first { started.signal() } else {
                    logger.error("dashboard server failed", metadata: ["error": "\(error)"])
                }
            }
            finished.signal()
        }
        started.wait()
        switch outcome.withLock({ $0 }) {
        case .success(let port)?:
            let bound = HTTPAddress(host: address.host, port: port)
            return DashboardServer(url: bound.url, events: dashboard.events, group: group, finished: finished)
        case .failure(let error)?:
            throw error
        case nil:
            throw StartError(address: address, reason: "the server stopped before listening")
        }
    }

    /// Ends the live event streams, stops accepting requests, lets open ones finish and waits for
    /// the server to stop.
    func stop() {
        events.close()
        let group = self.group
        Task { await group.triggerGracefulShutdown() }
        _ = finished.wait(timeout: .now() + Self.stopTimeout)
    }
}
