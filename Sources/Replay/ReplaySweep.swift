import Dispatch
import Foundation
import Rules
import Storage
import Telemetry

/// `replay --sweep`: the same history through every combination of rule parameters and
/// settings, with what each combination would have done (alerts raised, time firing, median
/// time to raise, notifications), so a threshold is tuned against real data in one command.
///
/// Combinations run in parallel: split over `workers` threads, each one replay pass with a lane
/// per combination of its share (a pass reads the readings once for all its lanes).
public struct ReplaySweep: Sendable {
    /// One `--sweep key=v1,v2,...`.
    public struct Dimension: Sendable, Hashable {
        public var key: String
        public var values: [String]

        /// Parses `key=v1,v2`: a setting (`for`, `clear_for`, `keep_firing_for`, possibly
        /// `Rule.for`) takes durations, a parameter numbers.
        public init(parsing text: String) throws(ReplayError) {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw .invalidSweep("'\(text)': expected key=value,value (threshold=28,30,32 or for=1m,2m)")
            }
            key = String(text[..<equals])
            values = text[text.index(after: equals)...].split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            guard !values.isEmpty, !values.contains(where: \.isEmpty) else { throw .invalidSweep("'\(text)': no values after '='") }
            let name = key.split(separator: ".").last.map(String.init) ?? key
            for value in values {
                if RuleOverrides.settings.contains(name) {
                    guard let ms = value == "0" ? 0 : DurationParser.milliseconds(value), ms >= 0 else {
                        throw .invalidSweep("\(key): '\(value)' is not a duration (30s, 2m, 1h)")
                    }
                } else {
                    guard let number = Double(value), number.isFinite else { throw .invalidSweep("\(key): '\(value)' is not a number") }
                }
            }
        }
    }

    /// What one combination did over the range.
    public struct Outcome: Sendable, Hashable {
        /// The override per dimension key.
        public var values: [String: String]
        public var raised = 0
        /// Sum over alerts of (clear or range end) - raise, ms.
        public var firingTime: Int64 = 0
        /// Median of raise - pendingSince, ms; nil without raises.
        public var medianTimeToRaise: Int64?
        /// Raises and clears notifying sinks would send (not muted by silences, windows, flapping).
        public var notifications = 0
    }

    public static let maximumCombinations = 1000

    public var dimensions: [Dimension]

    public init(dimensions: [Dimension]) throws(ReplayError) {
        self.dimensions = dimensions
        let count = dimensions.reduce(1) { $0 * $1.values.count }
        guard count <= Self.maximumCombinations else {
            throw .invalidSweep("\(count) combinations; at most \(Self.maximumCombinations)")
        }
        let keys = dimensions.map(\.key)
        guard Set(keys).count == keys.count else { throw .invalidSweep("a key is swept twice") }
    }

    /// Every combination, the first dimension varying slowest.
    public var combinations: [RuleOverrides] {
        dimensions.reduce([RuleOverrides()]) { partial, dimension in
            partial.flatMap { base in
                dimension.values.map { value in
                    var next = base
                    next.values[dimension.key] = value
                    return next
                }
            }
        }
    }

    /// Runs `ruleSets` (one per combination, in `combinations` order) and measures each.
    /// `end`: where the range ends, for alerts still firing then.
    public func run(_ replayer: Replayer, ruleSets: [RuleSet], end: Int64, workers: Int) throws -> [Outcome] {
        let combinations = self.combinations
        precondition(ruleSets.count == combinations.count, "one rule set per combination")
        let workerCount = max(1, min(workers, ruleSets.count))
        let results = Results(count: ruleSets.count)
        DispatchQueue.concurrentPerform(iterations: workerCount) { worker in
            let share = Array(stride(from: worker, to: ruleSets.count, by: workerCount))
            var events = Array(repeating: [AlertEvent](), count: share.count)
            do {
                try replayer.run(share.map { ruleSets[$0] }) { replay in
                    for (lane, list) in replay.events.enumerated() { events[lane] += list }
                }
                for (lane, index) in share.enumerated() {
                    results.set(index, .success(Self.measure(events[lane], values: combinations[index].values, end: end)))
                }
            } catch {
                for index in share { results.set(index, .failure(error)) }
            }
        }
        return try results.all()
    }

    /// The measures of one combination's events.
    public static func measure(_ events: [AlertEvent], values: [String: String], end: Int64) -> Outcome {
        var outcome = Outcome(values: values)
        var open: [String: Int64] = [:]
        var waits: [Int64] = []
        for event in events {
            if event.heldBackBy == nil { outcome.notifications += 1 }
            switch event {
            case .raised(let raised):
                outcome.raised += 1
                open[raised.id] = raised.at
                waits.append(raised.at - raised.pendingSince)
            case .cleared(let cleared):
                if let start = open.removeValue(forKey: cleared.raisedId) { outcome.firingTime += cleared.at - start }
            }
        }
        for start in open.values where end > start { outcome.firingTime += end - start }
        waits.sort()
        if !waits.isEmpty {
            outcome.medianTimeToRaise = waits.count % 2 == 1 ? waits[waits.count / 2] : (waits[waits.count / 2 - 1] + waits[waits.count / 2]) / 2
        }
        return outcome
    }

    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<Outcome, any Error>?]

        init(count: Int) {
            slots = Array(repeating: nil, count: count)
        }

        func set(_ index: Int, _ result: Result<Outcome, any Error>) {
            lock.lock()
            slots[index] = result
            lock.unlock()
        }

        func all() throws -> [Outcome] {
            lock.lock()
            defer { lock.unlock() }
            return try slots.map { try ($0 ?? .failure(ReplayError.invalidSweep("a combination did not run"))).get() }
        }
    }
}
