namespace DlClassifier.Bench.Commands;

/// <summary>Writes the 70,000 Fashion-MNIST PNG files the other commands read.</summary>
internal sealed class PrepareCommand : IBenchCommand
{
    public string Name => "Prepare";

    public string Summary => "write Fashion-MNIST (Debian package) as 70,000 PNG files under bench/output";

    public int Run(BenchArgs args)
    {
        FashionMnist.Load().WritePngs(BenchPaths.PngRoot);
        Console.WriteLine($"PNG files ready under {BenchPaths.PngRoot}");
        return 0;
    }
}
