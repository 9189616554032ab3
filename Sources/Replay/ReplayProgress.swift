import Foundation

/// A one-line progress bar on standard error for long replays: processed of total readings,
/// rate and ETA, redrawn in place (`\r`) at most every ``interval``.
///
/// It only draws when standard error is a terminal (`isatty(2)`); piped or redirected, it
/// writes nothing, so logs and scripts stay clean.
public final class ReplayProgress {
    private let total: Int
    private let enabled: Bool
    private let clock: ReplayClock
    private let started: UInt64
    private var done = 0
    private var lastDraw: UInt64
    private var sinceCheck = 0
    private var drawn = false
    private let write: (String) -> Void
    /// Nanoseconds between redraws.
    let interval: UInt64 = 200_000_000

    /// - Parameters:
    ///   - enabled: nil: only when standard error is a terminal.
    ///   - write: where the text goes; standard error by default.
    public init(
        total: Int, enabled: Bool? = nil, clock: ReplayClock = .system,
        write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.total = total
        self.enabled = enabled ?? (isatty(STDERR_FILENO) != 0)
        self.clock = clock
        self.write = write
        started = clock.now()
        lastDraw = started
    }

    /// Counts `count` more processed readings.
    public func advance(by count: Int = 1) {
        guard enabled else { return }
        done += count
        sinceCheck += count
        guard sinceCheck >= 1024 || done == total else { return }
        sinceCheck = 0
        let now = clock.now()
        guard now - lastDraw >= interval else { return }
        lastDraw = now
        draw(Self.line(done: done, total: total, elapsed: now - started))
    }

    /// Draws the final state and ends the line (only if anything was drawn).
    public func finish() {
        guard enabled, drawn else { return }
        draw(Self.line(done: done, total: total, elapsed: clock.now() - started))
        write("\n")
    }

    private func draw(_ line: String) {
        drawn = true
        write("\r" + line + "\u{1B}[K")
    }

    /// `[#########...........]  45% 450000/1000000 readings  120000/s  ETA 5s`.
    static func line(done: Int, total: Int, elapsed: UInt64) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        let seconds = Double(elapsed) / 1_000_000_000
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let percent = String(Int(fraction * 100))
        var text = bar + " " + String(repeating: " ", count: max(0, 3 - percent.count)) + percent + "% "
            + "\(done)/\(total) readings  \(Int(rate))/s"
        if rate > 0, done < total {
            text += "  ETA " + duration(Double(total - done) / rate)
        }
        return text
    }

    /// `42s`, `3m05s`, `2h07m`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" + (whole % 60 < 10 ? "0" : "") + "\(whole % 60)s" }
        let minutes = whole / 60 % 60
        return "\(whole / 3600)h" + (minutes < 10 ? "0" : "") + "\(minutes)m"
    }
}
