using DlClassifier.Bench;
using DlClassifier.Bench.Commands;

// Benchmarks of the engine, run by hand (never in CI). Each command prints its figures, and its ratios against
// a reference run in the same process or script, as plain lines.
IBenchCommand[] commands =
{
    new PrepareCommand(),
    new DataPipelineCommand(),
    new NetworkACommand(),
    new TrainingMemoryCommand(),
    new FullFashionMnistCommand(),
    new ArchitectureLatencyCommand(),
    new PretrainedVsScratchCommand(),
    new OnnxExportCommand(),
};

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("usage: dotnet run -c Release --project bench/DlClassifier.Bench -- <command> [--option value]");
    foreach (IBenchCommand command in commands)
    {
        Console.WriteLine($"  {command.Name,-20} {command.Summary}");
    }
    return 0;
}

IBenchCommand? chosen =
    commands.FirstOrDefault(c => string.Equals(c.Name, args[0], StringComparison.OrdinalIgnoreCase));
if (chosen is null)
{
    Console.Error.WriteLine($"Unknown command '{args[0]}'. Run with --help for the list.");
    return 2;
}
return chosen.Run(BenchArgs.Parse(args[1..]));
