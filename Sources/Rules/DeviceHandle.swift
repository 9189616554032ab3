/// A device interned by a `RuleEngine`: pass it to `process(device:metric:...)` to skip the
/// per-reading string lookup. Valid for the engine's lifetime, across reloads.
public struct DeviceHandle: Sendable, Hashable {
    let index: Int
}
