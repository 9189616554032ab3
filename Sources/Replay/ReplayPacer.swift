/// Spaces republished messages like the original event times, scaled by a speed.
///
/// The schedule is absolute (first event at the first call's wall time, every later one at its
/// event-time offset divided by the speed), so time spent publishing is not added on top and
/// the pace does not drift. No speed means as fast as possible.
struct ReplayPacer {
    /// Event-time seconds per wall-clock second (1 is real time); nil or not positive: no waiting.
    let speed: Double?
    private var origin: (event: Int64, wall: UInt64)?

    init(speed: Double?) {
        self.speed = speed
    }

    /// Waits until the message of event time `event` is due.
    mutating func wait(for event: Int64, clock: ReplayClock) {
        guard let speed, speed > 0 else { return }
        let now = clock.now()
        guard let origin else {
            origin = (event, now)
            return
        }
        let offset = Double(event - origin.event) / speed * 1_000_000
        guard offset > 0 else { return }
        let due = origin.wall &+ UInt64(min(offset, 1e18))
        if due > now { clock.sleep(due - now) }
    }
}
