#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A plain blocking HTTP/1.1 client over one keep-alive loopback TCP connection: `GET` and read
/// the whole answer (Content-Length bodies, which is what the dashboard sends). Nothing else in
/// the measured path.
final class HTTPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16) throws(HTTPError) {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw HTTPError(message: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw HTTPError(message: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        close(socket)
    }

    /// Sends `GET path` and returns the status and body.
    func get(_ path: String) throws(HTTPError) -> (status: Int, body: [UInt8]) {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw HTTPError(message: "send failed: errno \(errno)") }
            sent += count
        }
        let headerEnd = try readUntilHeaderEnd()
        let head = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
              let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw HTTPError(message: "bad status line in \(head)")
        }
        var length: Int?
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                length = Int(parts[1].drop { $0 == " " })
            }
        }
        guard let length else { throw HTTPError(message: "no Content-Length in \(head)") }
        let bodyStart = headerEnd + 4
        while buffer.count < bodyStart + length { try fill() }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return (status, body)
    }

    private func readUntilHeaderEnd() throws(HTTPError) -> Int {
        var scanned = 0
        while true {
            if buffer.count >= 4 {
                for index in max(0, scanned - 3)..<(buffer.count - 3)
                where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
                    return index
                }
                scanned = buffer.count
            }
            try fill()
        }
    }

    private func fill() throws(HTTPError) {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw HTTPError(message: count == 0 ? "connection closed" : "recv failed: errno \(errno)") }
        buffer.append(contentsOf: chunk[..<count])
    }

    /// A loopback TCP port nobody listens on right now (bound to port 0, then released).
    static func freePort() throws(HTTPError) -> UInt16 {
        let probe = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { throw HTTPError(message: "socket() failed") }
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(probe, pointer, length) == 0 && getsockname(probe, pointer, &length) == 0
            }
        }
        guard bound else { throw HTTPError(message: "cannot bind a loopback port") }
        return UInt16(bigEndian: address.sin_port)
    }
}

struct HTTPError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
