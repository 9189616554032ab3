import Foundation
@testable import Storage
import Telemetry
import XCTest

/// Brute-force rollups computed in the test from readings, to compare with the stored ones.
struct ExpectedRollup: Equatable, CustomStringConvertible {
    var count = 0
    var sum = 0.0
    var min = Double.infinity
    var max = -Double.infinity

    mutating func add(_ value: Double) {
        count += 1
        sum += value
        min = Swift.min(min, value)
        max = Swift.max(max, value)
    }

    var description: String { "count \(count) sum \(sum) min \(min) max \(max)" }

    static func floor(_ value: Int64, _ width: Int64) -> Int64 {
        Int64((Double(value) / Double(width)).rounded(.down)) * width
    }

    /// Per bucket start, from the given readings (finite values only).
    static func buckets(_ readings: [Reading], width: Int64) -> [Int64: ExpectedRollup] {
        var result: [Int64: ExpectedRollup] = [:]
        for reading in readings where reading.value.isFinite {
            result[floor(reading.timestamp, width), default: .init()].add(reading.value)
        }
        return result
    }
}

extension StoreTestCase {
    /// Asserts that the stored minute and hour rollups of a series equal those computed from `readings`.
    func assertRollups(
        _ store: TelemetryStore, device: String, metric: String, equal readings: [Reading],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for resolution in RollupResolution.allCases {
            let stored = try store.rollups(device: device, metric: metric, from: .min, to: .max, resolution: resolution)
            var actual: [Int64: ExpectedRollup] = [:]
            for bucket in stored {
                XCTAssertNil(actual[bucket.start], "bucket \(bucket.start) twice", file: file, line: line)
                actual[bucket.start] = ExpectedRollup(
                    count: bucket.count, sum: bucket.avg * Double(bucket.count), min: bucket.min, max: bucket.max)
            }
            XCTAssertEqual(stored.map(\.start), stored.map(\.start).sorted(), file: file, line: line)
            let expected = ExpectedRollup.buckets(readings, width: resolution.milliseconds)
            XCTAssertEqual(Set(actual.keys), Set(expected.keys), "\(device)/\(metric) \(resolution) buckets", file: file, line: line)
            for (start, want) in expected {
                guard let got = actual[start] else { continue }
                XCTAssertEqual(got.count, want.count, "\(device)/\(metric) \(resolution) \(start)", file: file, line: line)
                XCTAssertEqual(got.min, want.min, file: file, line: line)
                XCTAssertEqual(got.max, want.max, file: file, line: line)
                XCTAssertEqual(got.sum, want.sum, accuracy: 1e-6 * Swift.max(1, abs(want.sum)), file: file, line: line)
            }
        }
    }
}
