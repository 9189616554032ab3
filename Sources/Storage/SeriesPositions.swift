/// Series id → position in a list of series: a flat table when ids are dense (the usual case,
/// `INTEGER PRIMARY KEY` from 1), a dictionary otherwise.
struct SeriesPositions {
    private var table: [Int32] = []
    private var dictionary: [Int64: Int] = [:]

    init(_ series: [StoredSeries]) {
        let largest = series.map(\.id).max() ?? 0
        if largest >= 0, largest <= Int64(4 * series.count + 1024), series.allSatisfy({ $0.id >= 0 }) {
            table = [Int32](repeating: -1, count: Int(largest) + 1)
            for (position, entry) in series.enumerated() { table[Int(entry.id)] = Int32(position) }
        } else {
            for (position, entry) in series.enumerated() { dictionary[entry.id] = position }
        }
    }

    subscript(id: Int64) -> Int? {
        if !table.isEmpty {
            guard id >= 0, id < Int64(table.count) else { return nil }
            let position = table[Int(id)]
            return position < 0 ? nil : Int(position)
        }
        return dictionary[id]
    }
}
