import Rules
import Synchronization

/// One seeded id sequence shared by every per-device engine copy of a replay, so ids are unique
/// across devices and the same replay gives the same ids.
final class ReplayIDGenerator: AlertIDGenerator {
    private let generator: Mutex<UUIDv7Generator>

    init(seed: UInt64) {
        generator = Mutex(UUIDv7Generator(seed: seed))
    }

    func next(at time: Int64) -> String {
        generator.withLock { $0.next(at: time) }
    }
}
