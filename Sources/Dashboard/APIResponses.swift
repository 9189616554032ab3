/// The Codable shapes the JSON API answers with. Times are ISO 8601 UTC with milliseconds.
enum APIResponses {
    struct SeriesSummary: Encodable, Equatable {
        var metric: String
        var unit: String?
    }

    struct Device: Encodable, Equatable {
        var id: String
        var type: String
        var labels: [String: String]
        var firstSeen: String
        var lastSeen: String
        var series: [SeriesSummary]
    }

    struct Point: Encodable, Equatable {
        var t: String
        var min: Double
        var max: Double
        var avg: Double
        var count: Int
    }

    struct Series: Encodable, Equatable {
        var device: String
        var metric: String
        var unit: String?
        var from: String
        var to: String
        var points: [Point]
    }

    struct LatestValue: Encodable, Equatable {
        var device: String
        var metric: String
        var value: Double
        var t: String
    }

    struct DeadLetter: Encodable, Equatable {
        var id: Int64
        var receivedAt: String
        var topic: String
        var reason: String
        var detail: String
        var payloadPreview: String
    }

    struct Health: Encodable, Equatable {
        var status: String
        var checks: [String: String]
    }
}
