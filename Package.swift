// swift-tools-version: 6.1
import PackageDescription

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

let package = Package(
    name: "telemetry-bridge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "telemetry-bridge", targets: ["telemetry-bridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // libmosquitto, the system C client library.
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        // A Swift MQTT client that owns the libmosquitto handle and its network loop.
        .target(name: "MQTT", dependencies: ["CMosquitto", logging]),
        // Readings, the device catalog, topic templates and payload decoders.
        .target(name: "Telemetry", dependencies: [yams]),
        // Rule files, the expression language, windows and the alert state machine.
        .target(name: "Rules", dependencies: ["Telemetry", yams]),
        // The SQLite event log (GRDB): schema, migrations, batched writer, queries.
        .target(name: "Storage", dependencies: ["Telemetry", grdb]),
        // Operators' actions on the alert log: acknowledge, silence, unsilence, silence previews.
        .target(name: "Operations", dependencies: ["Telemetry", "Rules", "Storage"]),
        // Alert delivery from the alert log (the outbox): per-sink dispatchers, webhooks, Alertmanager.
        .target(name: "Delivery", dependencies: ["Telemetry", "Rules", "Storage", logging, metrics, nioSSL, crypto, nioPosix,
                                                 .product(name: "NIOCore", package: "swift-nio"),
                                                 .product(name: "NIOHTTP1", package: "swift-nio")]),
        // Stored history through the rules engine: replay, warm-up, live == replay and what-if
        // comparison, republishing; no broker, no HTTP.
        .target(name: "Replay", dependencies: ["Telemetry", "Rules", "Storage", "Operations"]),
        // The daemon pipeline: configuration, ingest, rules and alerts, simulator, lifecycle.
        .target(name: "Bridge", dependencies: ["MQTT", "Telemetry", "Storage", "Rules", "Replay", "Delivery", "Operations", logging, yams, metrics]),
        // The dashboard: pages, JSON API, live events and /metrics over the event log (Hummingbird 2).
        .target(name: "Dashboard", dependencies: ["Replay", "Storage", "Telemetry", "Rules", "Operations", logging, metrics, prometheus, hummingbird, nioPosix,
                                            .product(name: "HummingbirdCore", package: "hummingbird"),
                                            .product(name: "NIOHTTPTypes", package: "swift-nio-extras")],
                resources: [.copy("Resources")]),
        .executableTarget(
            name: "telemetry-bridge",
            dependencies: ["Bridge", "Dashboard", "Replay", "Operations", "Telemetry", "Storage", "MQTT", "Rules", logging, metrics, prometheus, hummingbird, nioPosix,
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),

        // Rules micro-benchmark (release mode; see Benchmarks/README.md).
        .executableTarget(name: "rules-benchmark", dependencies: ["Rules", "Telemetry"], path: "Benchmarks/RulesBenchmark"),
        // Dashboard benchmark: /api/series and /api/overview through a loopback server (release mode).
        .executableTarget(name: "dashboard-benchmark", dependencies: ["Dashboard", "Replay", "Storage", "Rules", "Telemetry", logging, hummingbird],
                          path: "Benchmarks/DashboardBenchmark"),

        // Shared helpers for tests: real processes (mosquitto, the daemon), sockets, fixtures.
        .target(name: "TestSupport", dependencies: ["Telemetry", "Rules", "Storage", nioPosix, .product(name: "NIOCore", package: "swift-nio"),
                                                    .product(name: "NIOHTTP1", package: "swift-nio")], path: "Tests/TestSupport"),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "TestSupport"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Telemetry", "TestSupport"]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Telemetry", grdb]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Operations", "Replay", "Storage", "Telemetry", "Rules", "TestSupport", metrics, prometheus, nioPosix,
                                                          .product(name: "HummingbirdTesting", package: "hummingbird")]),
        // Real processes and parts together: the built executable, mosquitto, Alertmanager, HTTP
        // receivers, the daemon and the dashboard in one process. The other targets are unit tests.
        .testTarget(name: "IntegrationTests", dependencies: ["Bridge", "Dashboard", "Replay", "Delivery", "Storage", "Telemetry", "Rules", "MQTT",
                                                            "TestSupport", grdb, metrics, prometheus, nioPosix,
                                                            .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "Storage", "Rules", "Telemetry", "TestSupport", crypto]),
        .testTarget(name: "OperationsTests", dependencies: ["Operations", "Replay", "Storage", "Rules", "Telemetry", "TestSupport"]),
        .testTarget(name: "ReplayTests", dependencies: ["Replay", "Operations", "Rules", "Storage", "Telemetry", "TestSupport"]),
        .testTarget(name: "BridgeTests", dependencies: ["Bridge", "Replay", "Delivery", "Storage", "Telemetry", "MQTT", "Rules", "TestSupport", grdb, metrics, prometheus]),
    ],
    swiftLanguageModes: [.v6]
)
