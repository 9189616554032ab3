extension RuleEngine {
    /// Forgets devices whose latest reading is older than `cutoff` and whose every alert is
    /// inactive, so state held for devices that are gone (or ids a publisher invented) is given
    /// back. Devices with time-dependent rules (`silent()`, `age()`) are kept: their silence is
    /// what those rules watch. A released device that reports again starts afresh, as a new one.
    ///
    /// Renumbers devices: handles obtained before the call are invalid after it.
    /// - Returns: how many devices were released.
    @discardableResult
    public mutating func releaseDevices(lastReadingBefore cutoff: Int64) -> Int {
        let kept = devices.filter { device in
            device.watermark >= cutoff || !device.timeDependent.isEmpty
                || device.instances.contains { $0.state != .inactive }
        }
        let released = devices.count - kept.count
        guard released > 0 else { return 0 }
        devices = kept
        deviceIndexes = Dictionary(uniqueKeysWithValues: devices.enumerated().map { ($1.device.id, $0) })
        return released
    }

    /// Devices the engine holds state for.
    public var deviceCount: Int { devices.count }
}
