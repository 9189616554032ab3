import Storage
import Telemetry

extension Replayer {
    /// Counts the readings in scope and finds their first and last event times, in one read
    /// pass (no memory growth). Nil when the scope holds no reading.
    public func census() throws -> ReplayCensus? {
        var census = ReplayCensus(count: 0, first: .max, last: .min)
        try forEachReading(from: scope.from, to: scope.to) { reading, _ in
            census.count += 1
            if reading.timestamp < census.first { census.first = reading.timestamp }
            if reading.timestamp > census.last { census.last = reading.timestamp }
        }
        return census.count > 0 ? census : nil
    }

    /// Streams the readings of the devices in scope within `[from, to)`, by device then event
    /// time, each with its stored device (type and labels).
    @discardableResult
    func forEachReading(from: Int64?, to: Int64?, _ body: (Reading, Device) throws -> Void) throws -> Int {
        let devices = try storedDevices()
        guard !devices.isEmpty else { return 0 }
        let selection = scope.devices.flatMap { $0.isEmpty ? nil : $0 }
            ?? (scope.types.map { _ in Array(devices.keys).sorted() })
        var count = 0
        var current: Device?
        do {
            try store.forEachReadingByDevice(from: from, to: to, devices: selection) { reading in
                if current?.id != reading.device { current = devices[reading.device] }
                guard let device = current else { return }
                count += 1
                try body(reading, device)
            }
        } catch let error as StorageError {
            throw ReplayError.storage(error)
        }
        return count
    }
}
