/// The version of the generative processes. A clip is a pure function of
/// (canonical configuration, seed, generator version): any change that alters a single output
/// byte bumps this number, and the golden digests are updated in the same commit.
public enum GeneratorVersion {
    public static let current = 2
}
