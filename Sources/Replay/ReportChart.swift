/// The inline SVG of one report series: the min/max envelope as a shaded area, the mean as a
/// line, and the device's alerts as translucent bands from raised to cleared (hover shows
/// which, via SVG `<title>`; no script).
struct ReportChart {
    /// An alert's firing interval on a device.
    struct Band {
        var alert: String
        var severity: String
        var from: Int64
        var to: Int64
    }

    static let width = 900.0
    static let height = 180.0
    private static let left = 64.0
    private static let right = 12.0
    private static let top = 10.0
    private static let bottom = 22.0

    let series: ReportSeries
    let start: Int64
    let end: Int64
    let bands: [Band]

    func svg() -> String {
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        var low = series.low
        var high = series.high
        if !(low <= high) { (low, high) = (0, 1) }
        if high - low < 1e-9 {
            let pad = max(abs(high) * 0.05, 0.5)
            (low, high) = (low - pad, high + pad)
        }
        let span = max(1, Double(end) - Double(start))
        func x(_ time: Double) -> Double { Self.left + (time - Double(start)) / span * plotWidth }
        func y(_ value: Double) -> Double { Self.top + (high - value) / (high - low) * plotHeight }
        func point(_ time: Double, _ value: Double) -> String {
            HTMLText.coordinate(x(time)) + "," + HTMLText.coordinate(y(value))
        }

        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\">"
        svg += "<rect class=\"plot\" x=\"\(Int(Self.left))\" y=\"\(Int(Self.top))\" width=\"\(HTMLText.coordinate(plotWidth))\" "
            + "height=\"\(HTMLText.coordinate(plotHeight))\"/>"
        for band in bands {
            let from = x(Double(max(band.from, start)))
            let to = x(Double(min(band.to, end)))
            guard to >= from else { continue }
            svg += "<rect class=\"band \(HTMLText.escape(band.severity))\" x=\"\(HTMLText.coordinate(from))\" y=\"\(Int(Self.top))\" "
                + "width=\"\(HTMLText.coordinate(max(1, to - from)))\" height=\"\(HTMLText.coordinate(plotHeight))\">"
                + "<title>\(HTMLText.escape(band.alert)) \(ReplayText.time(band.from)) to \(ReplayText.time(band.to))</title></rect>"
        }
        var centres: [(time: Double, index: Int)] = []
        for index in 0..<series.buckets where series.mean(index) != nil {
            centres.append((Double(series.start) + (Double(index) + 0.5) * series.bucketWidth, index))
        }
        if !centres.isEmpty {
            var envelope = centres.map { point($0.time, series.maximum[$0.index]) }
            envelope += centres.reversed().map { point($0.time, series.minimum[$0.index]) }
            svg += "<polygon class=\"envelope\" points=\"" + envelope.joined(separator: " ") + "\"/>"
            let mean = centres.map { point($0.time, series.mean($0.index) ?? 0) }
            svg += "<polyline class=\"mean\" points=\"" + (mean.count == 1 ? [mean[0], mean[0]] : mean).joined(separator: " ") + "\"/>"
        }
        svg += label(ReplayText.value(high), x: Self.left - 6, y: Self.top + 10, anchor: "end")
        svg += label(ReplayText.value(low), x: Self.left - 6, y: Self.top + plotHeight, anchor: "end")
        svg += label(ReplayText.time(start), x: Self.left, y: Self.height - 6, anchor: "start")
        svg += label(ReplayText.time(end), x: Self.width - Self.right, y: Self.height - 6, anchor: "end")
        return svg + "</svg>"
    }

    private func label(_ text: String, x: Double, y: Double, anchor: String) -> String {
        "<text x=\"\(HTMLText.coordinate(x))\" y=\"\(HTMLText.coordinate(y))\" text-anchor=\"\(anchor)\">\(HTMLText.escape(text))</text>"
    }
}
