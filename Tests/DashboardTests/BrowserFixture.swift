import Dashboard
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import Rules
import Storage
import Telemetry
import TestSupport
import XCTest

/// A real dashboard server on a free loopback port over a seeded SQLite database, and headless
/// chromium to load its pages. Event times are relative to the wall clock (the browser's clock
/// decides what "live" means), all derived from ``base``.
class BrowserTestCase: XCTestCase {
    /// Three hours before now, on a minute: the first reading of every series.
    var base: Int64 = 0
    var directory: TemporaryDirectory!
    var store: TelemetryStore!
    var port: UInt16 = 0
    var server: Task<Void, Error>?
    var chromium = ""

    static let minutes = 180
    static let alert = "TooHot"
    static let hostileLabel = #"<img src=x onerror="alert(1)">"#
    static let hostilePayload = #"<script>alert("dead letter")</script>"#

    /// Minute offsets from ``base``: a cleared alert (60...90) and one still firing (from 150).
    static let clearedRaise = 60
    static let clearedClear = 90
    static let firingRaise = 150
    /// The time-travel moment: while the first alert fires, before the second is raised.
    static let travelMinute = 75

    func at(_ minute: Int) -> Int64 { base + Int64(minute) * 60_000 }

    /// The rules the server compares drafts with (and rebuilds pending alerts from); none by default.
    class func serverRules() throws -> RuleSet? { nil }

    static func temperature(_ device: String, _ minute: Int) -> Double {
        device == "gh-01" ? 20 + Double(minute) * 0.05 : 18 + Double(minute) * 0.01
    }

    static func humidity(_ device: String, _ minute: Int) -> Double {
        device == "gh-01" ? 50 + Double(minute % 10) : 60 + Double(minute % 4)
    }

    static func power(_ minute: Int) -> Double { 1_000 + Double(minute) * 2 }

    override func setUp() async throws {
        try await super.setUp()
        guard let found = Self.findChromium() else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                XCTFail("chromium is not on PATH but CI is set: the browser check must run")
            }
            throw XCTSkip("chromium (or chromium-browser) is not on PATH")
        }
        chromium = found
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        base = (now / 60_000) * 60_000 - Int64(Self.minutes) * 60_000
        directory = try TemporaryDirectory(prefix: "dashboard-browser")
        store = try TelemetryStore(path: directory.file("telemetry.sqlite"), configuration: StoreConfiguration(lastSeenResolution: 0))
        try seed()
        try await startServer()
    }

    override func tearDown() async throws {
        server?.cancel()
        if let server { _ = await server.result }
        server = nil
        store = nil
        directory?.remove()
        try await super.tearDown()
    }

    private func seed() throws {
        var readings: [Reading] = []
        for minute in 0..<Self.minutes {
            let t = at(minute)
            for device in ["gh-01", "gh-02"] {
                readings.append(Reading(device: device, metric: "temperature", timestamp: t, value: Self.temperature(device, minute)))
                readings.append(Reading(device: device, metric: "humidity", timestamp: t, value: Self.humidity(device, minute)))
            }
            readings.append(Reading(device: "meter-1", metric: "power", timestamp: t, value: Self.power(minute)))
        }
        let labels = ["site": "north", "note": Self.hostileLabel]
        func raised(_ id: String, minute: Int) -> AlertRecord {
            let event = AlertRaised(
                id: id, alert: Self.alert, device: "gh-01", deviceType: "climate-sensor", labels: labels, severity: .critical,
                value: Self.temperature("gh-01", minute), message: "gh-01 (north) too hot", at: at(minute),
                pendingSince: at(minute - 2), cause: AlertCause(topic: "greenhouse/north/gh-01/climate", at: at(minute)))
            return AlertRecord(
                id: id, type: .raised, alert: Self.alert, device: "gh-01", severity: "critical", at: at(minute),
                value: event.value, event: event.json)
        }
        let clearedEvent = AlertCleared(
            id: "clear-a", raisedId: "raise-a", alert: Self.alert, device: "gh-01", severity: .critical, value: 21,
            at: at(Self.clearedClear), raisedAt: at(Self.clearedRaise))
        let cleared = AlertRecord(
            id: "clear-a", type: .cleared, alert: Self.alert, device: "gh-01", severity: "critical", at: at(Self.clearedClear), raisedID: "raise-a",
            value: 21, event: clearedEvent.json)
        _ = try store.write(IngestBatch(
            devices: [
                Device(id: "gh-01", type: "climate-sensor", labels: labels),
                Device(id: "gh-02", type: "climate-sensor", labels: ["site": "south"]),
                Device(id: "meter-1", type: "energy-meter"),
            ],
            units: [
                SeriesKey(device: "gh-01", metric: "temperature"): "°C", SeriesKey(device: "gh-01", metric: "humidity"): "%",
                SeriesKey(device: "gh-02", metric: "temperature"): "°C", SeriesKey(device: "gh-02", metric: "humidity"): "%",
                SeriesKey(device: "meter-1", metric: "power"): "W",
            ],
            readings: readings,
            deadLetters: [
                DeadLetter(topic: "greenhouse/north/gh-09/climate", payload: Array(Self.hostilePayload.utf8), receivedAt: at(30),
                           reasons: [.unknownTopic(topic: "greenhouse/north/gh-09/climate")]),
                DeadLetter(topic: "greenhouse/north/gh-01/climate", payload: Array("{\"temp\":".utf8), receivedAt: at(120),
                           reasons: [.malformedJSON(offset: 8, message: "unexpected end")]),
            ],
            observedAt: at(Self.minutes - 1),
            alerts: [raised("raise-a", minute: Self.clearedRaise), cleared, raised("raise-b", minute: Self.firingRaise)]))
        // Two sinks: MQTT has the first two events, a webhook refused the third.
        try store.registerSink("mqtt", fromStart: true, at: at(0))
        try store.advanceDeliveryCursor(sink: "mqtt", to: 2, at: at(1))
        try store.registerSink("hook", fromStart: true, at: at(0))
        try store.advanceDeliveryCursor(sink: "hook", to: 3, refusals: [
            DeliveryRefusal(sequence: 3, eventID: "raise-b", reason: "HTTP 400", response: "no", at: at(2)),
        ], at: at(2))
    }

    private func startServer() async throws {
        port = FreePort.next()
        let dashboard = DashboardApplication(store: store, now: { Int64(Date().timeIntervalSince1970 * 1_000) },
                                             rules: try Self.serverRules())
        var logger = Logger(label: "dashboard-browser-test")
        logger.logLevel = .critical
        let app = dashboard.application(host: "127.0.0.1", port: Int(port), logger: logger)
        server = Task { try await app.runService() }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while clock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: url("/healthz")),
               (response as? HTTPURLResponse)?.statusCode == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestSupportError("the dashboard did not answer /healthz on port \(port) within 20 s")
    }

    func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    /// Loads `path` in headless chromium and returns the DOM after its virtual time budget.
    func dom(_ path: String, file: StaticString = #filePath, line: UInt = #line) async throws -> BrowserDOM {
        let profile = try TemporaryDirectory(prefix: "chromium-profile")
        defer { profile.remove() }
        let child = try ChildProcess.launch(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--user-data-dir=\(profile.path)", "--window-size=1280,900",
            "--virtual-time-budget=10000", "--dump-dom", url(path).absoluteString,
        ], outputDirectory: profile.path, name: "chromium")
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(90)
        while child.isRunning, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if child.isRunning { child.kill() }
        let status = try child.waitUntilExit(timeout: .seconds(10))
        let html = child.standardOutput
        XCTAssertEqual(status, 0, "chromium exited with \(status): \(child.standardError.suffix(2_000))", file: file, line: line)
        let dom = BrowserDOM(html)
        let body = try XCTUnwrap(dom.first("body"), "no <body> in chromium's DOM for \(path): \(html.prefix(500))", file: file, line: line)
        XCTAssertEqual(body["data-ready"], "1", "\(path) did not finish rendering; main: \(dom.first("main").map(dom.text(of:)) ?? "-")",
                       file: file, line: line)
        let main = try XCTUnwrap(dom.first("main"), "no <main> for \(path)", file: file, line: line)
        let error = dom.first(classes: ["error-box"], within: main)
        XCTAssertNil(error, "\(path) shows an error: \(error.map(dom.text(of:)) ?? "")", file: file, line: line)
        return dom
    }

    static func findChromium() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }
}
