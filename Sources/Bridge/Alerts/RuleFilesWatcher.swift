import Dispatch
import Foundation
import Logging
import Rules
import Synchronization

/// Reloads the rules on SIGHUP and when a rule file changes (polled: names, sizes and
/// modification times of the directory's YAML files). A rule set with errors is reported, every
/// diagnostic, and the rules in force stay in force.
public final class RuleFilesWatcher: @unchecked Sendable {
    private let directory: String
    private let schema: RuleSchema
    private let pipeline: IngestPipeline
    private let logger: Logger
    private let queue = DispatchQueue(label: "telemetry-bridge.rules-watcher")
    private let fingerprint = Mutex<[String]>([])
    private var sources: [any DispatchSourceProtocol] = []

    public init(directory: String, schema: RuleSchema, pipeline: IngestPipeline, logger: Logger) {
        self.directory = directory
        self.schema = schema
        self.pipeline = pipeline
        self.logger = logger
        fingerprint.withLock { $0 = Self.fingerprint(of: directory) }
    }

    /// Starts watching; `interval` 0 means SIGHUP only.
    public func start(interval: Int64) {
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler { [weak self] in self?.reload(reason: "SIGHUP") }
        hangup.resume()
        sources.append(hangup)
        guard interval > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(Int(interval)), repeating: .milliseconds(Int(interval)))
        timer.setEventHandler { [weak self] in self?.reloadIfChanged() }
        timer.resume()
        sources.append(timer)
    }

    public func stop() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }

    private func reloadIfChanged() {
        let current = Self.fingerprint(of: directory)
        let changed = fingerprint.withLock { previous in
            defer { previous = current }
            return previous != current
        }
        if changed { reload(reason: "file change") }
    }

    /// Loads and swaps in the rules; public so tests and operators' tooling can trigger it.
    @discardableResult
    public func reload(reason: String) -> Bool {
        fingerprint.withLock { $0 = Self.fingerprint(of: directory) }
        let rules: RuleSet
        do {
            rules = try RuleSet.load(directory: directory, schema: schema)
        } catch {
            logger.error("rule reload failed; the previous rules stay in force", metadata: [
                "reason": "\(reason)", "errors": "\(error.diagnostics.count)",
            ])
            for diagnostic in error.diagnostics {
                logger.error("\(diagnostic.description)")
            }
            return false
        }
        do {
            let summary = try pipeline.reload(rules)
            logger.info("rules reloaded", metadata: [
                "reason": "\(reason)", "rules": "\(rules.rules.count)",
                "added": "\(summary.added.joined(separator: ","))", "removed": "\(summary.removed.joined(separator: ","))",
                "changed": "\(summary.changed.joined(separator: ","))", "unchanged": "\(summary.unchanged.count)",
            ])
            return true
        } catch {
            logger.error("rule reload could not store its events; the previous rules stay in force",
                         metadata: ["error": "\(error)"])
            return false
        }
    }

    static func fingerprint(of directory: String) -> [String] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { name in
            let attributes = try? manager.attributesOfItem(atPath: (directory as NSString).appendingPathComponent(name))
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name) \(size) \(modified)"
        }
    }

    deinit {
        stop()
    }
}
