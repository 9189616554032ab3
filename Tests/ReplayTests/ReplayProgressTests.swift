@testable import Replay
import XCTest

/// The replay progress line: counts, rate and ETA; silent when disabled (not a terminal).
final class ReplayProgressTests: XCTestCase {
    func testLineShowsCountsRateAndETA() {
        let line = ReplayProgress.line(done: 250_000, total: 1_000_000, elapsed: 2_000_000_000)
        XCTAssertEqual(line, "[######..................]  25% 250000/1000000 readings  125000/s  ETA 6s")
    }

    func testFinishedLineHasNoETA() {
        let line = ReplayProgress.line(done: 10, total: 10, elapsed: 1_000_000_000)
        XCTAssertEqual(line, "[########################] 100% 10/10 readings  10/s")
    }

    func testDurationsAreShort() {
        XCTAssertEqual(ReplayProgress.duration(41.2), "42s")
        XCTAssertEqual(ReplayProgress.duration(185), "3m05s")
        XCTAssertEqual(ReplayProgress.duration(7_620), "2h07m")
    }
}

extension ReplayProgressTests {
    private final class Terminal {
        var now: UInt64 = 0
        var text = ""
    }

    func testRedrawsInPlaceAtMostEveryIntervalThenEndsTheLine() {
        let terminal = Terminal()
        let clock = ReplayClock(now: { terminal.now }, sleep: { _ in })
        let progress = ReplayProgress(total: 4096, enabled: true, clock: clock) { terminal.text += $0 }
        progress.advance(by: 1024)
        XCTAssertEqual(terminal.text, "", "nothing before the first interval")
        terminal.now = 1_000_000_000
        progress.advance(by: 1024)
        XCTAssertEqual(terminal.text, "\r[############............]  50% 2048/4096 readings  2048/s  ETA 1s\u{1B}[K")
        terminal.now += 50_000_000
        progress.advance(by: 1024)
        XCTAssertEqual(terminal.text.components(separatedBy: "\r").count, 2, "no redraw within the interval")
        terminal.now = 2_000_000_000
        progress.advance(by: 1024)
        progress.finish()
        XCTAssertTrue(terminal.text.hasSuffix("\r[########################] 100% 4096/4096 readings  2048/s\u{1B}[K\n"), terminal.text)
    }

    func testDisabledWritesNothing() {
        var text = ""
        let progress = ReplayProgress(total: 10, enabled: false, clock: ReplayClock(now: { 5_000_000_000 }, sleep: { _ in })) {
            text += $0
        }
        progress.advance(by: 10)
        progress.finish()
        XCTAssertEqual(text, "")
    }
}
