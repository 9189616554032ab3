import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP client on loopback for tests that speak a protocol by hand (HTTP requests with any
/// header, clients that never read, connections that send nothing): deadlines, no sleeps.
public final class TCPConnection {
    private var fd: Int32

    /// Connects to 127.0.0.1:`port`; `receiveBuffer` shrinks the socket's receive buffer (a
    /// client that reads slowly fills up sooner).
    public init(port: UInt16, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw TestSupportError("cannot connect to 127.0.0.1:\(port)")
        }
    }

    deinit {
        close()
    }

    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    public func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw TestSupportError("cannot send \(bytes.count) bytes")
        }
    }

    /// What arrives until `deadline`, appended to `buffer`: `.data` when bytes came, `.closed`
    /// when the peer closed (or reset) the connection, `.timedOut` otherwise.
    public enum Receipt: Equatable { case data, closed, timedOut }

    public func receive(into buffer: inout [UInt8], until deadline: ContinuousClock.Instant) -> Receipt {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return .timedOut }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&descriptor, 1, max(1, milliseconds)) > 0 else { return .timedOut }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return .closed }
        buffer += chunk[..<count]
        return .data
    }

    /// Reads until the peer closes; whether it did before `timeout`.
    public func waitForClose(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var ignored: [UInt8] = []
        while true {
            switch receive(into: &ignored, until: deadline) {
            case .closed: return true
            case .timedOut: return false
            case .data: ignored.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Sends one HTTP/1.1 request (`Connection: close`) and reads the whole response.
    public static func request(port: UInt16, _ head: String, timeout: Duration = .seconds(10)) throws -> (status: Int, text: String) {
        let connection = try TCPConnection(port: port)
        try connection.send(head.hasSuffix("\r\n\r\n") ? head : head + "\r\nConnection: close\r\n\r\n")
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        while connection.receive(into: &bytes, until: deadline) == .data {}
        let text = String(decoding: bytes, as: UTF8.self)
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, text)
    }
}
