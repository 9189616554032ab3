import Telemetry
import XCTest
@testable import Rules

/// Every window function against a brute-force recomputation over random series.
final class SlidingWindowTests: XCTestCase {
    private static let all: [WindowFunction] = [.average, .sum, .count, .standardDeviation, .minimum, .maximum, .delta, .rate]

    private func reference(_ function: WindowFunction, _ samples: [(time: Int64, value: Double)]) -> Double {
        let values = samples.map(\.value)
        switch function {
        case .count: return Double(values.count)
        case .sum: return values.reduce(0, +)
        case .average: return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        case .standardDeviation:
            guard !values.isEmpty else { return .nan }
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        case .minimum: return values.min() ?? .nan
        case .maximum: return values.max() ?? .nan
        case .delta: return values.count < 2 ? .nan : values[values.count - 1] - values[0]
        case .rate:
            guard let first = samples.first, let last = samples.last, samples.count >= 2 else { return .nan }
            return (last.value - first.value) / (Double(last.time - first.time) / 1000)
        }
    }

    private func assertClose(
        _ actual: Double, _ expected: Double, scale: Double, _ message: @autoclosure () -> String, line: UInt = #line
    ) {
        if expected.isNaN {
            XCTAssertTrue(actual.isNaN, message(), line: line)
            return
        }
        let tolerance = 1e-9 * max(1, abs(expected), scale)
        XCTAssertLessThanOrEqual(abs(actual - expected), tolerance, "\(message()): \(actual) vs \(expected)", line: line)
    }

    func testEveryFunctionMatchesBruteForceOverRandomSeries() {
        var random = SplitMix64(seed: 0x5EED)
        var comparisons = 0
        for trial in 0..<60 {
            let duration = Int64.random(in: 1...600_000, using: &random)
            var window = SlidingWindow(duration: duration, features: [.moments, .minimum, .maximum])
            var all: [(time: Int64, value: Double)] = []
            // Some series sit far from zero, where naive variance loses every digit.
            let offset = trial % 3 == 0 ? 1e6 : (trial % 3 == 1 ? 0 : -250)
            var time = Int64.random(in: 0...1_000_000, using: &random)
            for _ in 0..<1500 {
                let gap: Int64 = switch Int.random(in: 0..<10, using: &random) {
                case 0: Int64.random(in: duration...(3 * duration), using: &random)  // the window empties
                case 1: 1
                default: Int64.random(in: 1...max(1, duration / 20), using: &random)
                }
                time += gap
                let value = offset + Double.random(in: -50...150, using: &random).rounded(toPlaces: Int.random(in: 0...3, using: &random))
                window.append(time: time, value: value)
                all.append((time, value))

                let now = time + (Bool.random(using: &random) ? 0 : Int64.random(in: 0...duration, using: &random))
                if now > time {
                    window.evict(now: now)
                    // Evaluate at `now`, then keep appending only after it.
                    time = now
                }
                // Time only moves forward, so older samples can never come back into the window.
                all.removeAll { $0.time <= now - duration }
                let inWindow = all
                let magnitude = inWindow.map { abs($0.value) }.max() ?? 0
                let spread = (inWindow.map(\.value).max() ?? 0) - (inWindow.map(\.value).min() ?? 0)
                XCTAssertEqual(window.count, inWindow.count)
                for function in Self.all {
                    let scale: Double = switch function {
                    case .sum: magnitude * Double(max(1, inWindow.count))
                    case .standardDeviation: spread
                    case .rate: magnitude * 1000
                    default: magnitude
                    }
                    assertClose(window.evaluate(function), reference(function, inWindow), scale: scale,
                                "trial \(trial) \(function) at \(now) over \(duration) ms")
                    comparisons += 1
                }
            }
        }
        XCTAssertEqual(comparisons, 60 * 1500 * 8)
    }

    func testMemoryIsBoundedByTheWindow() {
        var window = SlidingWindow(duration: 10_000, features: [.moments, .minimum, .maximum])
        for second in 0..<100_000 {
            window.append(time: Int64(second) * 1000, value: Double(second % 17))
        }
        XCTAssertEqual(window.count, 10)
        XCTAssertEqual(window.samples.first?.time, 99_990_000)
    }

    func testEnablingAFeatureRebuildsItFromTheSamples() {
        var window = SlidingWindow(duration: 60_000, features: [])
        for (index, value) in [5.0, 3, 8, 1, 9].enumerated() { window.append(time: Int64(index) * 1000, value: value) }
        window.enable([.minimum, .maximum, .moments])
        XCTAssertEqual(window.evaluate(.minimum), 1)
        XCTAssertEqual(window.evaluate(.maximum), 9)
        XCTAssertEqual(window.evaluate(.average), 5.2, accuracy: 1e-12)
        window.append(time: 5000, value: 0)
        XCTAssertEqual(window.evaluate(.minimum), 0)
    }

    func testEmptyWindowResults() {
        let window = SlidingWindow(duration: 1000, features: [.moments, .minimum, .maximum])
        XCTAssertEqual(window.evaluate(.count), 0)
        XCTAssertEqual(window.evaluate(.sum), 0)
        for function in [WindowFunction.average, .standardDeviation, .minimum, .maximum, .delta, .rate] {
            XCTAssertTrue(window.evaluate(function).isNaN, "\(function)")
        }
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
