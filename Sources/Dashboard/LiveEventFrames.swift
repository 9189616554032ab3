import Storage
import Telemetry

/// The server-sent-event frames of one committed batch: one `readings` event with the batch's
/// readings, one `alert` event per alert event (its JSON as stored and published), one `deadletter`
/// event per dead letter. Every `data:` is one line of JSON.
enum LiveEventFrames {
    static func frames(of batch: CommittedBatch, readingsLimit: Int) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        frames.reserveCapacity(1 + batch.alerts.count + batch.deadLetters.count)
        if !batch.readings.isEmpty {
            frames.append(readingsFrame(batch.readings, limit: readingsLimit))
        }
        for alert in batch.alerts {
            frames.append(frame(event: "alert", data: Array(alert.event.utf8)))
        }
        for letter in batch.deadLetters {
            var data: [UInt8] = []
            data.append(contentsOf: #"{"topic":"#.utf8)
            JSONWriter.appendString(letter.topic, to: &data)
            data.append(contentsOf: #","reason":"#.utf8)
            JSONWriter.appendString(letter.code, to: &data)
            data.append(contentsOf: #","receivedAt":""#.utf8)
            ISO8601Timestamp.append(letter.receivedAt, to: &data)
            data.append(contentsOf: #""}"#.utf8)
            frames.append(frame(event: "deadletter", data: data))
        }
        return frames
    }

    /// `[{"device","metric","t","value"}]`; above `limit` readings, the last of each series only
    /// (in the order each series last appears).
    static func readingsFrame(_ readings: [Reading], limit: Int) -> [UInt8] {
        var selected = readings
        if readings.count > limit {
            var last: [SeriesKey: Int] = [:]
            for (index, reading) in readings.enumerated() {
                last[SeriesKey(device: reading.device, metric: reading.metric)] = index
            }
            selected = last.values.sorted().map { readings[$0] }
        }
        var data: [UInt8] = [UInt8(ascii: "[")]
        data.reserveCapacity(selected.count * 80)
        for (index, reading) in selected.enumerated() {
            if index > 0 { data.append(UInt8(ascii: ",")) }
            data.append(contentsOf: #"{"device":"#.utf8)
            JSONWriter.appendString(reading.device, to: &data)
            data.append(contentsOf: #","metric":"#.utf8)
            JSONWriter.appendString(reading.metric, to: &data)
            data.append(contentsOf: #","t":""#.utf8)
            ISO8601Timestamp.append(reading.timestamp, to: &data)
            data.append(contentsOf: #"","value":"#.utf8)
            JSONWriter.appendNumber(reading.value, to: &data)
            data.append(UInt8(ascii: "}"))
        }
        data.append(UInt8(ascii: "]"))
        return frame(event: "readings", data: data)
    }

    static func frame(event: String, data: [UInt8]) -> [UInt8] {
        var frame = Array("event: \(event)\ndata: ".utf8)
        frame.reserveCapacity(frame.count + data.count + 2)
        frame.append(contentsOf: data)
        frame.append(contentsOf: [0x0A, 0x0A])
        return frame
    }
}
