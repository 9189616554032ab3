import CMosquitto

/// Process-wide libmosquitto initialisation.
///
/// `mosquitto_lib_init` runs once, on first use. `mosquitto_lib_cleanup` is deliberately left to
/// process exit: clients on other threads may outlive any earlier point we could pick, and
/// cleaning up under them would tear OpenSSL state away mid-use.
enum MosquittoLibrary {
    private static let initialized: Bool = {
        mosquitto_lib_init() == 0
    }()

    static func ensureInitialized() throws(MQTTError) {
        if !initialized {
            throw .library(operation: "mosquitto_lib_init", code: 13)
        }
    }
}
