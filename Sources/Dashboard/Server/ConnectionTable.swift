import NIOCore
import Synchronization

/// The dashboard's open connections, shared by their ``ConnectionGuard``s: the limit on them, and
/// which are idle (no request in progress) and since when.
///
/// At the limit a new connection evicts the connection idle the longest, so connections held
/// open without requests (an attacker's, or forgotten keep-alives) never lock out a new client
/// such as a health check; only when every connection is busy is the new one refused. Thread-safe.
final class ConnectionTable: Sendable {
    private struct Entry {
        var channel: any Channel
        /// When the connection last became idle; nil while a request is in progress.
        var idleSince: NIODeadline?
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var nextID = 0
    }

    let limit: Int
    private let state = Mutex(State())
    private let refused = Atomic<Int>(0)
    private let evicted = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    var connections: Int { state.withLock { $0.entries.count } }
    /// Connections closed at once: the limit was reached and every connection was busy.
    var refusedConnections: Int { refused.load(ordering: .relaxed) }
    /// Idle connections closed to make room for a new one.
    var evictedConnections: Int { evicted.load(ordering: .relaxed) }
    /// Clients dropped because they did not read their responses.
    var droppedSlowClients: Int { dropped.load(ordering: .relaxed) }

    /// Registers a new (idle) connection, evicting the longest-idle one at the limit; nil when
    /// every connection is busy (the caller closes the new one).
    func admit(_ channel: any Channel) -> Int? {
        let (id, victim) = state.withLock { state -> (Int?, (any Channel)?) in
            var victim: (any Channel)?
            if state.entries.count >= limit {
                let oldest = state.entries.compactMap { key, entry in entry.idleSince.map { (key, $0) } }.min { $0.1 < $1.1 }
                guard let (key, _) = oldest else { return (nil, nil) }
                victim = state.entries.removeValue(forKey: key)?.channel
            }
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(channel: channel, idleSince: .now())
            return (id, victim)
        }
        if let victim {
            evicted.wrappingAdd(1, ordering: .relaxed)
            victim.close(promise: nil)
        }
        if id == nil { refused.wrappingAdd(1, ordering: .relaxed) }
        return id
    }

    func release(_ id: Int) {
        state.withLock { _ = $0.entries.removeValue(forKey: id) }
    }

    /// A request began (`busy`) or its response ended.
    func mark(_ id: Int, busy: Bool) {
        state.withLock { state in
            state.entries[id]?.idleSince = busy ? nil : .now()
        }
    }

    func countDropped() {
        dropped.wrappingAdd(1, ordering: .relaxed)
    }
}
