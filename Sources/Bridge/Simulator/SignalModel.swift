import Foundation
import Telemetry

/// A plausible signal for one metric: a daily cycle plus noise around a baseline picked from the
/// metric's name, unit and declared range; counters (energy) only grow; booleans flip now and then.
struct SignalModel: Sendable {
    enum Kind: Sendable { case cyclic, counter, boolean }

    var kind: Kind
    var baseline: Double
    var amplitude: Double
    var noise: Double
    var phase: Double
    var min: Double?
    var max: Double?
    /// A spike adds this much for metrics that can run hot (temperature, CO2, power).
    var spike: Double

    init(metric: MetricDefinition, rng: inout SplitMix64) {
        let name = metric.name.lowercased()
        let unit = metric.unit ?? ""
        min = metric.min
        max = metric.max
        phase = Double.random(in: 0..<(2 * .pi), using: &rng)
        if !metric.valueMap.isEmpty || ["contact", "occupancy", "state", "door", "motion"].contains(name) {
            (kind, baseline, amplitude, noise, spike) = (.boolean, 0, 0, 0, 0)
        } else if unit == "kWh" || unit == "Wh" || name.contains("energy") || name.contains("total") {
            (kind, baseline, amplitude, noise, spike) = (.counter, Double.random(in: 100...5000, using: &rng), 0, 0, 0)
        } else if name.contains("temp") {
            (kind, baseline, amplitude, noise, spike) = (.cyclic, Double.random(in: 19...24, using: &rng), 3, 0.3, 16)
        } else if name.contains("hum") {
            (kind, baseline, amplitude, noise, spike) = (.cyclic, Double.random(in: 45...65, using: &rng), 8, 1, 0)
        } else if name.contains("co2") {
            (kind, baseline, amplitude, noise, spike) = (.cyclic, Double.random(in: 500...800, using: &rng), 150, 20, 1200)
        } else if name.contains("battery") {
            let base = unit == "%" ? Double.random(in: 60...100, using: &rng) : Double.random(in: 3.2...3.9, using: &rng)
            (kind, baseline, amplitude, noise, spike) = (.cyclic, base, 0, unit == "%" ? 0.2 : 0.005, 0)
        } else if name.contains("volt") {
            (kind, baseline, amplitude, noise, spike) = (.cyclic, 230, 2, 0.8, 0)
        } else if name.contains("power") {
            (kind, baseline, amplitude, noise, spike) = (.cyclic, Double.random(in: 300...1500, using: &rng), 300, 40, 2500)
        } else if name.contains("current") {
            (kind, baseline, amplitude, noise, spike) = (.cyclic, Double.random(in: 1...6, using: &rng), 1, 0.1, 8)
        } else if name.contains("link") {
            (kind, baseline, amplitude, noise, spike) = (.cyclic, Double.random(in: 80...200, using: &rng), 10, 5, 0)
        } else if let lo = metric.min, let hi = metric.max {
            let span = hi - lo
            (kind, baseline, amplitude, noise, spike) = (.cyclic, lo + span * 0.4, span * 0.1, span * 0.01, span * 0.3)
        } else {
            (kind, baseline, amplitude, noise, spike) = (.cyclic, 50, 10, 1, 30)
        }
    }

    /// The value at `timestamp` (ms); `previous` carries counters and booleans forward.
    func value(at timestamp: Int64, previous: Double?, spiking: Bool, rng: inout SplitMix64) -> Double {
        switch kind {
        case .boolean:
            let last = previous ?? 0
            return Double.random(in: 0..<1, using: &rng) < 0.05 ? 1 - last : last
        case .counter:
            return (((previous ?? baseline) + Double.random(in: 0.001...0.01, using: &rng)) * 1000).rounded() / 1000
        case .cyclic:
            let day = 86_400_000.0
            let cycle = sin(2 * .pi * Double(timestamp % 86_400_000) / day + phase)
            var value = baseline + amplitude * cycle + noise * rng.gaussian() + (spiking ? spike : 0)
            if let min { value = Swift.max(min, value) }
            if let max { value = Swift.min(max, value) }
            return (value * 1000).rounded() / 1000
        }
    }
}
