import Storage
import Telemetry

extension DeviceCatalog {
    /// The units the catalog declares for the series of `devices`, as the store takes them.
    func units(for devices: some Sequence<Device>) -> [SeriesKey: String] {
        var units: [SeriesKey: String] = [:]
        for device in devices {
            guard let type = type(named: device.type) else { continue }
            for metric in type.metrics {
                if let unit = metric.unit {
                    units[SeriesKey(device: device.id, metric: metric.name)] = unit
                }
            }
        }
        return units
    }
}
