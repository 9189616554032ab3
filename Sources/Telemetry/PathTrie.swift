/// The set of JSON paths a decoder wants from a payload, as a trie the scanner walks alongside
/// the document: a key is compared against the few children of the current node only, and values
/// off every wanted path are validated and skipped without being converted.
///
/// Immutable after init; its storage lives in manually allocated buffers so the scanner can read
/// it without retain/release or bounds checks in the inner loop.
final class PathTrie: @unchecked Sendable {
    struct Node {
        /// Index of the first child in `edges`; children are contiguous.
        var firstEdge: Int32
        var edgeCount: Int32
        /// Slot that receives the value at this node, or -1.
        var slot: Int32
    }

    struct Edge {
        var keyStart: Int32
        var keyLength: Int32
        /// The array index this segment selects when it is all digits, else -1.
        var arrayIndex: Int32
        var node: Int32
    }

    let nodes: UnsafeMutableBufferPointer<Node>
    let edges: UnsafeMutableBufferPointer<Edge>
    let keys: UnsafeMutableBufferPointer<UInt8>
    /// One slot per distinct path.
    let slotCount: Int

    /// Builds the trie for `paths`, each a list of segments; returns the slot of every path
    /// (equal paths share a slot).
    init(paths: [[String]]) {
        final class Builder {
            var children: [(key: String, node: Builder)] = []
            var slot: Int32 = -1
        }
        let root = Builder()
        var slotCount: Int32 = 0
        for path in paths {
            var node = root
            for segment in path {
                if let child = node.children.first(where: { $0.key == segment })?.node {
                    node = child
                } else {
                    let child = Builder()
                    node.children.append((segment, child))
                    node = child
                }
            }
            if node.slot < 0 {
                node.slot = slotCount
                slotCount += 1
            }
        }

        var flatNodes: [Node] = []
        var flatEdges: [Edge] = []
        var flatKeys: [UInt8] = []
        var queue: [Builder] = [root]
        flatNodes.append(Node(firstEdge: 0, edgeCount: 0, slot: root.slot))
        var head = 0
        while head < queue.count {
            let builder = queue[head]
            flatNodes[head].firstEdge = Int32(flatEdges.count)
            flatNodes[head].edgeCount = Int32(builder.children.count)
            for (key, child) in builder.children {
                let bytes = Array(key.utf8)
                let isIndex = !bytes.isEmpty && bytes.count <= 9
                    && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                flatEdges.append(Edge(
                    keyStart: Int32(flatKeys.count), keyLength: Int32(bytes.count),
                    arrayIndex: isIndex ? Int32(key) ?? -1 : -1, node: Int32(queue.count)
                ))
                flatKeys.append(contentsOf: bytes)
                queue.append(child)
                flatNodes.append(Node(firstEdge: 0, edgeCount: 0, slot: child.slot))
            }
            head += 1
        }
        self.slotCount = Int(slotCount)
        nodes = Self.copy(flatNodes)
        edges = Self.copy(flatEdges)
        keys = Self.copy(flatKeys)
    }

    deinit {
        nodes.deallocate()
        edges.deallocate()
        keys.deallocate()
    }

    /// The slot of each path passed to `init`, in the same order.
    static func slots(for paths: [[String]], in trie: PathTrie) -> [Int] {
        paths.map { path in
            var node: Int32 = 0
            for segment in path {
                let bytes = Array(segment.utf8)
                node = trie.child(of: node, key: bytes) ?? -1
                if node < 0 { return -1 }
            }
            return Int(trie.nodes[Int(node)].slot)
        }
    }

    func child(of node: Int32, key: [UInt8]) -> Int32? {
        key.withUnsafeBufferPointer { child(of: node, key: $0, from: 0, to: $0.count) }
    }

    /// The child of `node` whose key equals `bytes[start..<end]`.
    @inline(__always)
    func child(of node: Int32, key bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int32? {
        let entry = nodes[Int(node)]
        let length = end - start
        var edgeIndex = Int(entry.firstEdge)
        let stop = edgeIndex + Int(entry.edgeCount)
        while edgeIndex < stop {
            let edge = edges[edgeIndex]
            if Int(edge.keyLength) == length {
                var offset = 0
                let keyStart = Int(edge.keyStart)
                while offset < length && keys[keyStart + offset] == bytes[start + offset] { offset += 1 }
                if offset == length { return edge.node }
            }
            edgeIndex += 1
        }
        return nil
    }

    /// The child of `node` selected by array element `index`.
    @inline(__always)
    func child(of node: Int32, arrayIndex index: Int) -> Int32? {
        let entry = nodes[Int(node)]
        var edgeIndex = Int(entry.firstEdge)
        let stop = edgeIndex + Int(entry.edgeCount)
        while edgeIndex < stop {
            if Int(edges[edgeIndex].arrayIndex) == index { return edges[edgeIndex].node }
            edgeIndex += 1
        }
        return nil
    }

    private static func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return buffer
    }
}
