import ArgumentParser

/// `--devices`: where the device catalog is, for every command that decodes or checks rules.
struct CatalogOptions: SettingFlags {
    @Option(help: "Device catalog directory. Default: devices of the configuration, or ./Devices.")
    var devices: String?

    var flags: [String: String] {
        devices.map { ["devices": $0] } ?? [:]
    }
}
