import ArgumentParser
import SyntheticVideo

struct StagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages", abstract: "List the presets, their full configuration and what each adds.")

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func run() {
        if json {
            let stages = Stage.all.map(\.json)
            print(JSONValue.object(["generator_version": .integer(Int64(GeneratorVersion.current)),
                                    "stages": .array(stages)]).canonicalText)
            return
        }
        for stage in Stage.all {
            print("\(stage.id) — \(stage.title)")
            print("  adds: \(stage.adds)\(stage.parent.map { " (to \($0))" } ?? "")")
            if !stage.delta.isEmpty { print("  delta: \(JSONValue.object(stage.delta).canonicalText)") }
            print("  hash: \(stage.configuration.hash)")
        }
        print("\nFields (override with --set field=value):")
        for field in Configuration.fields {
            print("  \(field.name)\(field.unit.isEmpty ? "" : " [\(field.unit)]"): \(field.summary) Allowed: \(field.allowed).")
        }
    }
}
