import ArgumentParser
import Bridge
import Foundation
import Storage
import Telemetry

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write stored readings as CSV or JSON lines (streams: constant memory for any size)."
    )

    @OptionGroup var store: StoreOptions

    @Option(parsing: .unconditional, help: "From this time, inclusive: ISO 8601 (2026-11-23T10:00:00Z) or relative (-24h).")
    var from: String?

    @Option(parsing: .unconditional, help: "Up to this time, exclusive: ISO 8601 or relative (-1h, now).")
    var to: String?

    @Option(help: "Device id or glob (gh-*). Repeatable.")
    var device: [String] = []

    @Option(help: "Metric name. Repeatable.")
    var metric: [String] = []

    @Option(help: "csv or jsonl.")
    var format: ExportFormat = .csv

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl
    }

    func run() throws {
        let now = WallClock.milliseconds()
        var filter = ReadingFilter()
        do {
            filter.from = try from.map { try TimeArgument.parse($0, option: "from", now: now) }
            filter.to = try to.map { try TimeArgument.parse($0, option: "to", now: now) }
        } catch {
            throw CommandFailure.exit("\(error)", code: 2)
        }
        filter.devices = device.isEmpty ? nil : device
        filter.metrics = metric.isEmpty ? nil : metric
        let store = try store.openStore()
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil),
                  let opened = FileHandle(forWritingAtPath: output)
            else {
                throw CommandFailure.exit("\(output): cannot create the output file", code: 1)
            }
            handle = opened
        } else {
            handle = .standardOutput
        }
        do {
            switch format {
            case .csv:
                let writer = CSVExportWriter(fileHandle: handle)
                try store.exportReadings(filter) { try writer.write($0) }
                try writer.finish()
            case .jsonl:
                let writer = JSONLinesExportWriter(fileHandle: handle)
                try store.exportReadings(filter) { try writer.write($0) }
                try writer.finish()
            }
        } catch {
            throw CommandFailure.exit("\(error)", code: 1)
        }
    }
}
