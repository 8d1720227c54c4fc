/// Cumulative statistics of the writer's commits, for `/metrics`.
///
/// A commit's latency runs from `BEGIN IMMEDIATE` to the return of `COMMIT` (which includes
/// the WAL fsync of `synchronous=FULL`). `buckets` are cumulative, in Prometheus histogram
/// form: `buckets[i].count` commits took at most `buckets[i].upperBoundSeconds`; the implicit
/// `+Inf` bucket is `commits`.
public struct CommitLatencySnapshot: Sendable, Equatable, Codable {
    public struct Bucket: Sendable, Equatable, Codable {
        public var upperBoundSeconds: Double
        public var count: Int
    }

    public static let upperBoundsSeconds: [Double] =
        [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]

    /// Successful commits of request rows (probes not included).
    public var commits: Int = 0
    /// Rows those commits wrote.
    public var rows: Int = 0
    /// Group commits that failed (their rows were answered with an error).
    public var failedCommits: Int = 0
    public var sumSeconds: Double = 0
    public var maxSeconds: Double = 0
    public var buckets: [Bucket] = upperBoundsSeconds.map { Bucket(upperBoundSeconds: $0, count: 0) }

    /// Rows per commit so far (0 before the first commit).
    public var meanRowsPerCommit: Double { commits == 0 ? 0 : Double(rows) / Double(commits) }

    mutating func add(seconds: Double, rows: Int) {
        commits += 1
        self.rows += rows
        sumSeconds += seconds
        maxSeconds = max(maxSeconds, seconds)
        for index in buckets.indices where seconds <= buckets[index].upperBoundSeconds {
            buckets[index].count += 1
        }
    }
}
