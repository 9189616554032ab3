import Foundation
import Telemetry

/// The budget and the mutations of the project's fuzz tests: seeded, so a failure reproduces from
/// the seed it prints, and bounded in time per target.
///
/// `make test` runs each target for ``seconds`` (default 1 s) from the fixed ``seed``; `make fuzz`
/// sets `TELEMETRY_BRIDGE_FUZZ_SECONDS` and a fresh `TELEMETRY_BRIDGE_FUZZ_SEED`. A crasher found
/// becomes a regression test beside the target.
public enum Fuzzing {
    public static var seconds: Double {
        ProcessInfo.processInfo.environment["TELEMETRY_BRIDGE_FUZZ_SECONDS"].flatMap(Double.init) ?? 1
    }

    public static var seed: UInt64 {
        ProcessInfo.processInfo.environment["TELEMETRY_BRIDGE_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x7E1E_4E7A
    }

    /// Calls `body` with inputs drawn from one generator until the time budget is spent (at least
    /// `minimumIterations` times); returns the number of iterations.
    @discardableResult
    public static func run(minimumIterations: Int = 100, _ body: (inout SplitMix64) throws -> Void) rethrows -> Int {
        var generator = SplitMix64(seed: seed)
        let deadline = Date().addingTimeInterval(seconds)
        var iterations = 0
        while iterations < minimumIterations || Date() < deadline {
            try body(&generator)
            iterations += 1
        }
        return iterations
    }

    /// `input` changed by one to four random edits: a byte flipped, replaced, inserted (often one
    /// of `tokens`, the syntax of the format), deleted, or a range duplicated or removed.
    public static func mutate(_ input: [UInt8], tokens: [[UInt8]], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            case 1 where !bytes.isEmpty:
                bytes[position] = UInt8.random(in: 0...255, using: &generator)
            case 2, 3:
                let token = tokens.randomElement(using: &generator) ?? [0]
                bytes.insert(contentsOf: token, at: position)
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &generator))
                bytes.removeSubrange(position..<end)
            case 5 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default:
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
            }
        }
        return bytes
    }

    /// Bytes that are not UTF-8 (a lone continuation byte, an overlong, a surrogate, past U+10FFFF).
    public static let invalidUTF8: [[UInt8]] = [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF]]
}
