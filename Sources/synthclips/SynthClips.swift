import ArgumentParser
import CMalloc

@main
struct SynthClips: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthclips",
        abstract: "Deterministic synthetic video clips for video representation learning.",
        subcommands: [ServeCommand.self, StagesCommand.self, RenderCommand.self, BenchCommand.self, TexturesCommand.self,
                      ProvenanceCommand.self])

    static func main() {
        keepFreedMemoryForReuse()
        main(nil)
    }

    /// Procedural textures allocate and free several arrays of 1–8 MB each. glibc's malloc
    /// serves blocks that large with mmap and unmaps them when freed (its adaptive threshold
    /// does not hold across threads and trims), so every texture paid for mapping, faulting in
    /// and zeroing fresh pages: 7 ms of system time per StyleGAN-Oriented texture of ~45 ms. With
    /// blocks below 32 MiB taken from the heap, and the heap's top kept up to 256 MiB instead of
    /// returned at once, freed memory is reused; the peak resident size does not change
    /// (`textures build stylegan-oriented --count 48`: 56 MB either way).
    private static func keepFreedMemoryForReuse() {
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
    }
}
