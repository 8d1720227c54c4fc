/// One page of a listing. `nextCursor` is nil on the last page; pass it back as `cursor` to
/// get the next one. Cursors are opaque strings, valid for the same listing only.
public struct Page<Item: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public var items: [Item]
    public var nextCursor: String?
}

/// One logged response, as stored.
public struct RequestRow: Sendable, Codable, Equatable {
    public var id: Int64
    public var time: String
    public var run: String?
    public var client: String?
    public var route: String
    public var stage: String
    public var configurationHash: String
    public var seedFirst: UInt64
    public var seedCount: Int
    public var batchIndex: Int?
    public var batchSize: Int?
    public var frames: String
    public var generatorVersion: Int
    public var bytes: Int
    public var renderMilliseconds: Double
    public var replica: String

    /// The last seed of the range (inclusive).
    public var seedLast: UInt64 { seedFirst &+ UInt64(seedCount - 1) }
}

/// What one run consumed, in total.
public struct RunSummary: Sendable, Codable, Equatable {
    public var run: String
    /// Logged responses.
    public var requests: Int
    /// Clips served (the sum of the responses' seed counts).
    public var clips: Int
    public var bytes: Int
    public var firstTime: String
    public var lastTime: String
    /// Distinct stages, sorted.
    public var stages: [String]
    /// Distinct configuration hashes, sorted.
    public var configurationHashes: [String]
}

/// A configuration, by hash.
public struct ConfigurationEntry: Sendable, Codable, Equatable {
    public var hash: String
    public var canonical: String
    /// Time of the first request that used it (in the store that holds it).
    public var firstSeen: String
}

/// A run with its batches and configurations.
public struct RunDetail: Sendable, Codable, Equatable {
    public var summary: RunSummary
    /// The run's responses in the order they were logged, at most the `batchLimit` asked for;
    /// `batchesTruncated` says there are more (page through them with `requests(filter:)`).
    public var batches: [RequestRow]
    public var batchesTruncated: Bool
    /// Every configuration the run used, sorted by hash.
    public var configurations: [ConfigurationEntry]
}

/// A response that carried a given seed.
public struct SeedHit: Sendable, Codable, Equatable {
    public var seed: UInt64
    /// The seed's position in that response's batch (`seed − seedFirst`).
    public var position: Int
    public var request: RequestRow
}

/// Filters of `requests(filter:limit:cursor:)`; nil fields do not filter.
public struct RequestFilter: Sendable, Codable, Equatable {
    public var run: String?
    public var stage: String?
    public var configurationHash: String?
    public var route: String?
    /// Inclusive lower bound on `time`: a full timestamp or a prefix of one (`2025-01-31`).
    public var since: String?
    /// Exclusive upper bound on `time`, in the same form.
    public var until: String?

    public init(run: String? = nil, stage: String? = nil, configurationHash: String? = nil, route: String? = nil,
                since: String? = nil, until: String? = nil) {
        self.run = run
        self.stage = stage
        self.configurationHash = configurationHash
        self.route = route
        self.since = since
        self.until = until
    }
}
