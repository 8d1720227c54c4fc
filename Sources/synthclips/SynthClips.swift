import ArgumentParser

@main
struct SynthClips: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthclips",
        abstract: "Deterministic synthetic video clips for video representation learning.",
        subcommands: [ServeCommand.self, StagesCommand.self, RenderCommand.self, BenchCommand.self, TexturesCommand.self,
                      ProvenanceCommand.self])
}
