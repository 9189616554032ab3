/// Command-line options: `dashboard-benchmark [--devices N] [--days N] [--runs N] [--db FILE]
/// [--rules DIR --catalog DIR | --no-rules]`.
struct BenchmarkOptions {
    var devices = 1000
    var days = 2
    var runs = 15
    /// An existing database seeded by an earlier run with the same --devices/--days (kept with --db).
    var database: String?
    var rulesDirectory: String? = "Rules"
    var catalogDirectory = "Devices"

    static let usage = """
        usage: dashboard-benchmark [--devices N (1000)] [--days N (2)] [--runs N (15)] [--db FILE (temporary; reused if seeded)]
                                   [--rules DIR (Rules) --catalog DIR (Devices) | --no-rules]
        """

    init(arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        while let name = remaining.popFirst() {
            if name == "--no-rules" {
                rulesDirectory = nil
                continue
            }
            guard let text = remaining.popFirst() else { throw UsageError(message: "\(name) needs a value") }
            switch name {
            case "--db": database = text
            case "--rules": rulesDirectory = text
            case "--catalog": catalogDirectory = text
            case "--devices", "--days", "--runs":
                guard let number = Int(text), number > 0 else {
                    throw UsageError(message: "\(name) must be a positive integer, not \(text)")
                }
                if name == "--devices" { devices = number } else if name == "--days" { days = number } else { runs = number }
            default: throw UsageError(message: "unknown option \(name)")
            }
        }
    }
}

/// A command line the benchmark cannot run with.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { "\(message)\n\(BenchmarkOptions.usage)" }
}
