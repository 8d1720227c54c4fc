import ArgumentParser
import Foundation
#if canImport(Glibc)
import CMalloc
#endif

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

    /// Procedural textures allocate and free arrays of 1–8 MB each. With glibc's defaults
    /// the first ones are mmapped and unmapped; once the adaptive threshold has risen they come
    /// from the heap, but freeing them leaves a top chunk past the trim threshold (twice the
    /// mmap threshold), which is returned to the kernel at once. Either way every texture paid
    /// for faulting in and zeroing fresh pages: 7 ms of system time per StyleGAN-Oriented
    /// texture of ~45 ms. Fixed thresholds of 32 MiB (blocks below it from the heap; a heap
    /// keeps up to 32 MiB of free top memory) let freed memory be reused: system time 0.37 →
    /// 0.05 s for 48 textures (`textures build stylegan-oriented --count 48 --threads 1`), the
    /// same with a 16 MiB trim threshold. The cost is memory held after a peak: up to 32 MiB
    /// more per malloc arena (one per busy thread, at most 8 per core).
    private static func keepFreedMemoryForReuse() {
        #if canImport(Glibc)
        // Setting either parameter freezes both; set the trim threshold only once the mmap
        // threshold took (glibc refuses values above its heap size / 2, 4 MiB with huge pages),
        // so a refusal leaves glibc's adaptive defaults rather than a frozen 128 KiB threshold.
        guard mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 else {
            FileHandle.standardError.write(Data("synthclips: malloc refused a 32 MiB mmap threshold; keeping its defaults\n".utf8))
            return
        }
        _ = mallopt(M_TRIM_THRESHOLD, 32 << 20)
        #endif
    }
}
