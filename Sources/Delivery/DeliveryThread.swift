import Foundation

/// How threads that deliver alert events run: named (for `top -H`, `perf`) and below ingest's
/// scheduling priority.
///
/// Why lower: under CPU pressure something has to wait. Alert events already sit in the durable
/// outbox, so a delivery thread that waits only grows the sink's lag; the ingest thread that waits
/// lets the broker's queue grow, and a broker drops QoS 0 messages it cannot queue. On Linux the
/// nice value is per thread, so this touches no other thread of the process.
enum DeliveryThread {
    /// The nice value added to delivery threads: with CFS a runnable nice-0 thread gets about nine
    /// times the CPU share of a nice-10 one, and an idle machine delivers at full speed.
    static let niceness: Int32 = 10

    /// Names the calling thread (at most 15 bytes are kept by Linux) and lowers its priority.
    /// Best effort: a failure leaves the thread as it was.
    static func configureCurrent(name: String) {
        Thread.current.name = threadName(name)
        #if os(Linux)
        // `who` 0 is the calling thread on Linux (NPTL), not the whole process.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #else
        _ = setpriority(PRIO_PROCESS, 0, niceness)
        #endif
    }

    /// `name` cut to the 15 bytes a Linux thread name holds (a longer one is refused, not cut),
    /// on a character boundary.
    static func threadName(_ name: String) -> String {
        var kept = ""
        var bytes = 0
        for character in name {
            bytes += character.utf8.count
            guard bytes <= 15 else { break }
            kept.append(character)
        }
        return kept
    }
}
