import Foundation
import Storage
import Telemetry
import XCTest

/// A fresh directory under the system temporary directory, removed by `remove()`.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("storage-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Base class: a temporary directory per test and a helper to open stores in it.
class StoreTestCase: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    func openStore(
        _ name: String = "telemetry.sqlite", configuration: StoreConfiguration = .init(lastSeenResolution: 0)
    ) throws -> TelemetryStore {
        try TelemetryStore(path: directory.path(name), configuration: configuration)
    }

    func exportAll(_ store: TelemetryStore, _ filter: ReadingFilter = .init()) throws -> [ExportRow] {
        var rows: [ExportRow] = []
        try store.exportReadings(filter) { rows.append($0) }
        return rows
    }
}

extension Reading {
    init(_ device: String, _ metric: String, _ timestamp: Int64, _ value: Double) {
        self.init(device: device, metric: metric, timestamp: timestamp, value: value)
    }
}
