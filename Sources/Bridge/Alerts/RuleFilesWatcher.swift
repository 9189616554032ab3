import Dispatch
import Foundation
import Logging
import Rules
import Synchronization

/// Reloads the rules on SIGHUP and when a rule file changes (polled: names, sizes and
/// modification times of the directory's YAML files). A rule set with errors is reported, every
/// diagnostic, and the rules in force stay in force.
///
/// Polling is debounced: a change is loaded only once the files look the same at two polls in a
/// row, so a file an editor or a shell `>` is rewriting (empty, or half written, for a moment) is
/// not loaded as "no rules", which would clear every alert and raise them again a moment later.
public final class RuleFilesWatcher: @unchecked Sendable {
    private let directory: String
    private let attributesFile: String?
    private let schema: RuleSchema
    private let pipeline: IngestPipeline
    private let logger: Logger
    private let queue = DispatchQueue(label: "telemetry-bridge.rules-watcher")
    private struct Fingerprints {
        /// The files as last loaded.
        var loaded: [String] = []
        /// The files at the last poll.
        var seen: [String] = []
    }

    private let fingerprints = Mutex(Fingerprints())
    private var sources: [any DispatchSourceProtocol] = []

    /// `attributesFile`: the device attributes rules read (`Devices/attributes.yaml`), watched and
    /// reloaded with the rules.
    public init(directory: String, schema: RuleSchema, attributesFile: String? = nil, pipeline: IngestPipeline, logger: Logger) {
        self.directory = directory
        self.attributesFile = attributesFile
        self.schema = schema
        self.pipeline = pipeline
        self.logger = logger
        let current = Self.fingerprint(of: directory, attributesFile: attributesFile)
        fingerprints.withLock { $0 = Fingerprints(loaded: current, seen: current) }
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
        timer.setEventHandler { [weak self] in self?.poll() }
        timer.resume()
        sources.append(timer)
    }

    public func stop() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }

    /// One poll of the files: reloads when they changed since the last load and have not changed
    /// since the previous poll. The timer calls it; tests call it to step the watcher.
    public func poll() {
        let current = Self.fingerprint(of: directory, attributesFile: attributesFile)
        let settled = fingerprints.withLock { state in
            defer { state.seen = current }
            return current == state.seen && current != state.loaded
        }
        if settled { reload(reason: "file change") }
    }

    /// Loads and swaps in the rules; public so tests and operators' tooling can trigger it.
    @discardableResult
    public func reload(reason: String) -> Bool {
        let current = Self.fingerprint(of: directory, attributesFile: attributesFile)
        fingerprints.withLock { $0 = Fingerprints(loaded: current, seen: current) }
        let rules: RuleSet
        do {
            rules = try RuleSet.load(directory: directory, schema: schema, attributesFile: attributesFile)
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
                "reason": "\(reason)", "rules": "\(rules.rules.count)", "maintenanceWindows": "\(rules.maintenance.windows.count)",
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

    static func fingerprint(of directory: String, attributesFile: String? = nil) -> [String] {
        let manager = FileManager.default
        func stamp(_ path: String) -> String {
            let attributes = try? manager.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(size) \(modified)"
        }
        let names = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        var result = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { name in
            "\(name) " + stamp((directory as NSString).appendingPathComponent(name))
        }
        if let attributesFile { result.append("attributes " + stamp(attributesFile)) }
        return result
    }

    deinit {
        stop()
    }
}
