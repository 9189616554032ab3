import Dashboard
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Storage
import Telemetry
import TestSupport
import XCTest

/// The HTTP server's bounds through a real server on a free port, driven by raw sockets: the
/// connection and stream limits, idle and non-reading clients dropped, `/healthz` answering
/// while the limits are reached, credentials and the `Host`/`Origin` checks.
final class ServerLimitsTests: DashboardTestCase {
    private var server: Task<Void, any Error>?
    private var port: UInt16 = 0
    private var application: DashboardApplication!

    override func tearDown() {
        server?.cancel()
        super.tearDown()
    }

    private func start(_ configure: (inout HTTPServerSettings) -> Void = { _ in }, events: LiveEvents = LiveEvents()) throws {
        var settings = HTTPServerSettings()
        configure(&settings)
        port = FreePort.next()
        var logger = Logger(label: "server-limits-test")
        logger.logLevel = .critical
        let dashboard = DashboardApplication(store: store, now: { Self.now }, events: events, settings: settings)
        application = dashboard
        // Told by the server itself: a probing connection would count against the limits.
        let listening = DispatchSemaphore(value: 0)
        let server = dashboard.application(host: "127.0.0.1", port: Int(port), logger: logger) { _ in listening.signal() }
        self.server = Task { try await server.runService(gracefulShutdownSignals: []) }
        XCTAssertEqual(listening.wait(timeout: .now() + 20), .success, "server did not start")
    }

    /// Occupies every thread of the dashboard's handler pool until the returned function is called.
    private func holdEveryHandlerThread() -> () -> Void {
        let threads = DashboardApplication.handlerThreads
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            DashboardApplication.handlerPool.submit { _ in
                started.signal()
                release.wait()
            }
        }
        for _ in 0..<threads { started.wait() }
        return { for _ in 0..<threads { release.signal() } }
    }

    private func get(_ path: String, headers: String = "Host: 127.0.0.1") throws -> (status: Int, text: String) {
        try TCPConnection.request(port: port, "GET \(path) HTTP/1.1\r\n\(headers)")
    }

    func testAtTheLimitANewConnectionEvictsTheLongestIdleOne() throws {
        try start { $0.maximumConnections = 4 }
        let held = try (0..<4).map { _ in try TCPConnection(port: port) }
        // Each answered a request, so each is registered and idle, the first the longest.
        for connection in held {
            try connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            var answer: [UInt8] = []
            XCTAssertEqual(connection.receive(into: &answer, until: .now + .seconds(10)), .data)
        }
        XCTAssertEqual(application.openConnections, 4)
        XCTAssertEqual(try get("/healthz").status, 200, "a health check gets in at the limit")
        XCTAssertTrue(held[0].waitForClose(timeout: .seconds(10)), "the longest idle connection made room")
        XCTAssertEqual(application.evictedConnections, 1)
        XCTAssertEqual(application.refusedConnections, 0)
    }

    func testAtTheLimitWithEveryConnectionBusyANewOneIsClosed() throws {
        let events = LiveEvents(keepaliveInterval: .milliseconds(100), maximumSubscribers: 10)
        try start({ $0.maximumConnections = 3 }, events: events)
        let streams = try (0..<3).map { _ in try LiveEventsClient(port: port) }
        XCTAssertTrue(streams.allSatisfy { $0.head.hasPrefix("HTTP/1.1 200") })
        let refused = try TCPConnection(port: port)
        XCTAssertTrue(refused.waitForClose(timeout: .seconds(10)), "no idle connection to evict: refused")
        XCTAssertEqual(application.refusedConnections, 1)
        streams[0].close()
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { self.application.openConnections < 3 })
        XCTAssertEqual(try get("/healthz").status, 200)
    }

    func testAnIdleConnectionIsClosed() throws {
        try start { $0.idleTimeout = .milliseconds(200) }
        let idle = try TCPConnection(port: port)
        XCTAssertTrue(idle.waitForClose(timeout: .seconds(10)))
        let halfRequest = try TCPConnection(port: port)
        try halfRequest.send("GET /healthz HTTP/1.1\r\nHost: 127.0")
        XCTAssertTrue(halfRequest.waitForClose(timeout: .seconds(10)), "a request that never ends is dropped too")
        XCTAssertEqual(try get("/healthz").status, 200)
    }

    func testStreamsBeyondTheLimitGet503AndHealthzStillAnswers() throws {
        let events = LiveEvents(keepaliveInterval: .milliseconds(100), maximumSubscribers: 2)
        try start(events: events)
        let first = try LiveEventsClient(port: port)
        let second = try LiveEventsClient(port: port)
        XCTAssertTrue(first.head.hasPrefix("HTTP/1.1 200"), first.head)
        XCTAssertTrue(second.head.hasPrefix("HTTP/1.1 200"), second.head)
        let third = try get("/api/events")
        XCTAssertEqual(third.status, 503, third.text)
        XCTAssertTrue(third.text.contains("too many event streams"), third.text)
        XCTAssertEqual(try get("/healthz").status, 200)
        // A client that left is noticed at the next write (an event or a keepalive).
        first.close()
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { events.subscribers == 1 })
        let again = try LiveEventsClient(port: port)
        XCTAssertTrue(again.head.hasPrefix("HTTP/1.1 200"), again.head)
    }

    func testAStreamClientThatNeverReadsIsDropped() throws {
        let events = LiveEvents(maximumSubscribers: 4, maximumLag: .milliseconds(300))
        try start({ $0.slowClientTimeout = .milliseconds(300) }, events: events)
        let reader = try TCPConnection(port: port, receiveBuffer: 4096)
        try reader.send("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { events.subscribers == 1 })
        let readings = (0..<LiveEvents.readingsLimit).map {
            Reading(device: "pump-\($0)", metric: "temperature", timestamp: Self.now + Int64($0), value: Double($0))
        }
        // Commits keep coming; the client reads none of them, so its socket fills and it is dropped.
        let dropped = waitUntil(timeout: .seconds(30)) {
            events.publish(CommittedBatch(readings: readings))
            return events.subscribers == 0
        }
        XCTAssertTrue(dropped, "the non-reading client is still subscribed")
        XCTAssertEqual(try get("/healthz").status, 200)
    }

    /// A client that reads none of its responses (here 1,500 pipelined requests for the 15 KB
    /// style sheet, far more than socket buffers hold) is dropped once no write has reached its
    /// socket for the slow-client timeout.
    func testAClientThatReadsNoneOfItsResponsesIsDropped() throws {
        try start { $0.slowClientTimeout = .milliseconds(300) }
        let reader = try TCPConnection(port: port, receiveBuffer: 4096)
        try reader.send(String(repeating: "GET /assets/app.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", count: 1500))
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { self.application.droppedSlowClients == 1 })
        XCTAssertEqual(try get("/healthz").status, 200)
    }

    /// An answer that is not ready within the request timeout is a 503 (here every blocking-pool
    /// thread is held, so the read cannot even start); `/healthz` does not wait for the pool.
    func testAnAnswerLaterThanTheRequestTimeoutIs503() throws {
        try start { $0.requestTimeout = .milliseconds(200) }
        let release = holdEveryHandlerThread()
        defer { release() }
        let slow = try get("/api/devices")
        XCTAssertEqual(slow.status, 503, slow.text)
        XCTAssertTrue(slow.text.contains("the answer took longer than"), slow.text)
        XCTAssertEqual(try get("/healthz").status, 200)
    }

    func testHealthzAnswersWhileEveryHandlerThreadIsBusyWithOverviews() throws {
        // As `serve` checks health: a store read on NIO's shared blocking pool.
        let store = try XCTUnwrap(self.store)
        let dashboard = DashboardApplication(store: store, now: { Self.now }, health: {
            let series = (try? await NIOThreadPool.singleton.runIfActive { try store.series().count }) ?? -1
            return DashboardHealth(healthy: series >= 0, checks: ["series": "\(series)"])
        })
        port = FreePort.next()
        var logger = Logger(label: "server-limits-test")
        logger.logLevel = .critical
        let listening = DispatchSemaphore(value: 0)
        let server = dashboard.application(host: "127.0.0.1", port: Int(port), logger: logger) { _ in listening.signal() }
        self.server = Task { try await server.runService(gracefulShutdownSignals: []) }
        XCTAssertEqual(listening.wait(timeout: .now() + 20), .success, "server did not start")

        // Every handler thread held: the overviews below wait for them, whatever their size.
        let release = holdEveryHandlerThread()
        let answered = LockedCount()
        let overviews = DispatchGroup()
        let port = self.port
        for _ in 0..<8 {
            DispatchQueue.global().async(group: overviews) {
                if (try? TCPConnection.request(port: port, "GET /api/overview HTTP/1.1\r\nHost: 127.0.0.1"))?.status == 200 {
                    answered.add()
                }
            }
        }
        let health = try get("/healthz")
        XCTAssertEqual(health.status, 200, health.text)
        XCTAssertTrue(health.text.contains(#""series":"#), health.text)
        XCTAssertEqual(answered.value, 0, "the overviews were still in flight")
        release()
        XCTAssertEqual(overviews.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(answered.value, 8)
    }

    func testCredentialsAreRequiredExceptForHealthz() throws {
        try start { $0.authentication = HTTPAuthentication(bearerToken: "s3cret", basic: ("ops", "pa:ss")) }
        let anonymous = try get("/api/devices")
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertTrue(anonymous.text.contains(#"WWW-Authenticate: Basic realm="telemetry-bridge""#) || anonymous.text.lowercased()
            .contains(#"www-authenticate: basic realm="telemetry-bridge""#), anonymous.text)
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1\r\nAuthorization: Bearer s3cret").status, 200)
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1\r\nAuthorization: bearer s3cret").status, 200)
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1\r\nAuthorization: Bearer s3cre").status, 401)
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1\r\nAuthorization: Bearer s3cret0").status, 401)
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1\r\nAuthorization: Bearer").status, 401)
        let basic = Data("ops:pa:ss".utf8).base64EncodedString()
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1\r\nAuthorization: Basic \(basic)").status, 200)
        let wrong = Data("ops:nope".utf8).base64EncodedString()
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1\r\nAuthorization: Basic \(wrong)").status, 401)
        XCTAssertEqual(try get("/", headers: "Host: 127.0.0.1").status, 401, "pages too")
        XCTAssertEqual(try get("/healthz").status, 200)
    }

    func testOnLoopbackOnlyLoopbackHostNamesAreServed() throws {
        try start { $0.allowedOrigin = "https://grafana.example.com" }
        XCTAssertEqual(try get("/api/devices", headers: "Host: localhost:\(port)").status, 200)
        XCTAssertEqual(try get("/api/devices", headers: "Host: [::1]:\(port)").status, 200)
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1:\(port)").status, 200)
        XCTAssertEqual(try get("/api/devices", headers: "Host: attacker.example:\(port)").status, 421, "DNS rebinding")
        XCTAssertEqual(try get("/api/devices", headers: "Host: 127.0.0.1.attacker.example").status, 421)
    }

    func testStateChangingRequestsFromOtherOriginsAreRefused() throws {
        try start { $0.allowedOrigin = "https://grafana.example.com" }
        let foreign = try TCPConnection.request(port: port, "POST /api/devices HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\nContent-Length: 0")
        XCTAssertEqual(foreign.status, 403, foreign.text)
        let allowed = try TCPConnection.request(port: port, "OPTIONS /api/devices HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://grafana.example.com")
        XCTAssertEqual(allowed.status, 204, allowed.text)
        XCTAssertTrue(allowed.text.lowercased().contains("access-control-allow-origin: https://grafana.example.com"), allowed.text)
        let read = try get("/api/devices", headers: "Host: 127.0.0.1\r\nOrigin: https://grafana.example.com")
        XCTAssertTrue(read.text.lowercased().contains("access-control-allow-origin: https://grafana.example.com"), read.text)
        let other = try get("/api/devices", headers: "Host: 127.0.0.1\r\nOrigin: https://evil.example")
        XCTAssertFalse(other.text.lowercased().contains("access-control-allow-origin"), "no CORS for others: \(other.text)")
    }

    func testOversizeTargetsAndBodiesAreRefused() throws {
        try start { $0.maximumTargetBytes = 1024 }
        let long = try get("/api/alerts?alert=" + String(repeating: "a", count: 2_000))
        XCTAssertEqual(long.status, 414, long.text)
        let body = try TCPConnection.request(port: port, "POST /api/devices HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999999")
        XCTAssertEqual(body.status, 413, body.text)
        XCTAssertEqual(try get("/healthz").status, 200)
    }
}

/// A counter shared by request threads.
private final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
