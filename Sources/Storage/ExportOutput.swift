/// Collects output bytes and hands them to the sink in chunks of about 64 KiB, never per row.
final class ExportOutput {
    static let chunkSize = 64 * 1024

    private let sink: ([UInt8]) throws -> Void
    var buffer: [UInt8]

    init(sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
        buffer = []
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Passes the buffer on once it holds a full chunk.
    @inline(__always)
    func flushIfFull() throws(ExportError) {
        if buffer.count >= Self.chunkSize { try flush() }
    }

    func flush() throws(ExportError) {
        guard !buffer.isEmpty else { return }
        do {
            try sink(buffer)
        } catch {
            throw .output(message: String(describing: error))
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
