import ArgumentParser
import Foundation
import Replay
import Rules
import Storage
import Telemetry

extension ReplayCommand {
    /// `--sweep`: every combination replayed over the scope and measured; a table, csv or jsonl.
    func runSweep(directory: String, schema: RuleSchema, devices: String, database: String, scope: ReplayScope) throws {
        let plan: ReplaySweep
        do {
            plan = try ReplaySweep(dimensions: sweep.map { text throws(ReplayError) in try ReplaySweep.Dimension(parsing: text) })
        } catch {
            throw CommandFailure.exit("\(error)", code: 2)
        }
        let extra = try silences.map { try Self.silences(file: $0, schema: schema) }
        let ruleSets = try plan.combinations.map { overrides in
            let rules = try Self.ruleSet(directory: directory, schema: schema, devices: devices, overrides: overrides)
            return extra.map(rules.addingMaintenance) ?? rules
        }
        let outcomes: [ReplaySweep.Outcome]
        do {
            let store = try TelemetryStore(path: database)
            let end: Int64
            if let to = scope.to {
                end = to - 1
            } else {
                end = try store.latestTimestamps().values.max() ?? 0
            }
            outcomes = try plan.run(Replayer(store: store, scope: scope, seed: seed), ruleSets: ruleSets, end: end,
                                    workers: ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            throw CommandFailure.exit("\(error)", code: 1)
        }
        for line in plan.lines(outcomes, format: format) { print(line) }
    }
}
