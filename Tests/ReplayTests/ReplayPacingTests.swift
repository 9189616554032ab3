@testable import Replay
import XCTest

/// `--speed`/`--max` pacing on an injected clock: gaps scaled by the speed, on an absolute
/// schedule (publishing time is not added), no waiting at all without a speed.
final class ReplayPacingTests: XCTestCase {
    /// A clock whose sleeps advance it, recording each sleep.
    private final class FakeClock {
        var now: UInt64 = 1_000_000_000
        var sleeps: [UInt64] = []

        var clock: ReplayClock {
            ReplayClock(now: { self.now }, sleep: { self.sleeps.append($0); self.now += $0 })
        }
    }

    func testGapsAreScaledBySpeed() {
        let fake = FakeClock()
        var pacer = ReplayPacer(speed: 2)
        for event: Int64 in [10_000, 11_000, 11_000, 15_000] { pacer.wait(for: event, clock: fake.clock) }
        XCTAssertEqual(fake.sleeps, [500_000_000, 2_000_000_000])
    }

    func testTimeSpentPublishingIsNotAddedToTheGap() {
        let fake = FakeClock()
        var pacer = ReplayPacer(speed: 1)
        pacer.wait(for: 0, clock: fake.clock)
        fake.now += 300_000_000
        pacer.wait(for: 1_000, clock: fake.clock)
        fake.now += 2_000_000_000
        pacer.wait(for: 2_000, clock: fake.clock)
        XCTAssertEqual(fake.sleeps, [700_000_000])
    }

    func testMaxNeverWaits() {
        let fake = FakeClock()
        var pacer = ReplayPacer(speed: nil)
        for event: Int64 in [0, 60_000, 3_600_000] { pacer.wait(for: event, clock: fake.clock) }
        XCTAssertEqual(fake.sleeps, [])
    }
}
