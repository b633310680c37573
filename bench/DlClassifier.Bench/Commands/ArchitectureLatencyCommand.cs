using System.Diagnostics;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Bench.Commands;

/// <summary>
/// Inference speed of every architecture: eval-mode, no-grad forward latency at batch 1 and images per second
/// at batch 32, against torchvision's networks of the same names run by bench/reference/torchvision_latency.py,
/// alternately on the same machine.
/// </summary>
internal sealed class ArchitectureLatencyCommand : IBenchCommand
{
    private const int ClassCount = 10;

    // The torchvision model each architecture is measured against; the others are measured alone.
    private static readonly Dictionary<NetworkArchitecture, string> Torchvision = new()
    {
        [NetworkArchitecture.ResNet18] = "resnet18",
        [NetworkArchitecture.ResNet50] = "resnet50",
        [NetworkArchitecture.MobileNetV2] = "mobilenet_v2",
    };

    public string Name => "ArchitectureLatency";

    public string Summary => "every architecture: batch-1 latency and batch-32 img/s vs torchvision";

    public int Run(BenchArgs args)
    {
        var settings = new Settings(args.Int("threads", 2), args.Int("warmup", 5), args.Int("latency-runs", 30),
            args.Int("batch", 32), args.Int("batch-runs", 3));
        int rounds = args.Int("rounds", 3);
        bool python = PythonReference.IsAvailable() && !args.Has("no-reference");
        string blas = BenchPaths.OpenBlasLibraryFolder() is null
            ? "reference BLAS (see bench/README.md to unpack OpenBLAS for batch-1 latency)"
            : "OpenBLAS from bench/output/openblas";
        Console.WriteLine($"ArchitectureLatency: {rounds} rounds, {settings.Threads} threads, batch-1 median of " +
                          $"{settings.LatencyRuns} after {settings.Warmup} warm-up, batch {settings.Batch} median of " +
                          $"{settings.BatchRuns} after 1; PyTorch reference " +
                          $"{(python ? "with " + blas : "not available")}");

        DeviceManager.SetThreads(settings.Threads);
        List<Case> cases = Cases(args.Text("architectures", ""));
        string[] references = cases.Where(c => c.Reference is not null).Select(c => c.Reference!).Distinct().ToArray();
        try
        {
            for (int round = 1; round <= rounds; round++)
            {
                foreach (Case measured in cases)
                {
                    (double latency, double rate) = Measure(measured, settings);
                    measured.Latency.Add(latency);
                    measured.Rate.Add(rate);
                    Console.WriteLine($"  round {round} ours    {measured.Label}: batch-1 {Stats.F(latency, 2)} ms, " +
                                      $"batch {settings.Batch} {Stats.F(rate, 1)} img/s");
                }
                if (python && references.Length > 0)
                {
                    RunReference(cases, references, settings, round);
                }
            }
        }
        finally
        {
            foreach (Case measured in cases)
            {
                measured.Network.Dispose();
            }
        }

        Console.WriteLine();
        foreach (Case measured in cases)
        {
            Report($"{measured.Label} batch-1 latency ms", measured.Latency, measured.ReferenceLatency,
                higherIsBetter: false);
            Report($"{measured.Label} batch-{settings.Batch} images/s", measured.Rate, measured.ReferenceRate,
                higherIsBetter: true);
        }
        return 0;
    }

    /// <summary>
    /// Every architecture at 3×224×224, and CompactCnn also at 1×28×28, the size it is made for; a comma list of
    /// names keeps only those.
    /// </summary>
    private static List<Case> Cases(string filter)
    {
        string[] wanted = filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var cases = new List<Case>();
        foreach (NetworkArchitecture architecture in Enum.GetValues<NetworkArchitecture>())
        {
            if (wanted.Length > 0 && !wanted.Contains(architecture.ToString(), StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            if (architecture == NetworkArchitecture.CompactCnn)
            {
                cases.Add(new Case(architecture, 1, 28, null));
            }
            cases.Add(new Case(architecture, 3, 224, Torchvision.GetValueOrDefault(architecture)));
        }
        return cases;
    }

    private static (double LatencyMilliseconds, double ImagesPerSecond) Measure(Case measured, Settings settings)
    {
        DeviceManager.SetThreads(settings.Threads);
        nn.Module<Tensor, Tensor> network = measured.Network;
        network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(17);
        Tensor single = randn(1, measured.Channels, measured.Side, measured.Side, generator: generator);
        Tensor batch = randn(settings.Batch, measured.Channels, measured.Side, measured.Side, generator: generator);

        for (int i = 0; i < settings.Warmup; i++)
        {
            network.forward(single).Dispose();
        }
        var latencies = new List<double>();
        for (int i = 0; i < settings.LatencyRuns; i++)
        {
            latencies.Add(Seconds(network, single) * 1000);
        }
        network.forward(batch).Dispose();
        var batches = new List<double>();
        for (int i = 0; i < settings.BatchRuns; i++)
        {
            batches.Add(Seconds(network, batch));
        }
        return (Stats.Median(latencies), settings.Batch / Stats.Median(batches));
    }

    private static double Seconds(nn.Module<Tensor, Tensor> network, Tensor input)
    {
        long start = Stopwatch.GetTimestamp();
        network.forward(input).Dispose();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static void RunReference(List<Case> cases, string[] references, Settings settings, int round)
    {
        Dictionary<string, double> results = PythonReference.Run(
            BenchPaths.LocalReference("torchvision_latency.py"), new[]
            {
                "--models", string.Join(",", references), "--threads", settings.Threads.ToString(),
                "--warmup", settings.Warmup.ToString(), "--latency-runs", settings.LatencyRuns.ToString(),
                "--batch", settings.Batch.ToString(), "--batch-runs", settings.BatchRuns.ToString(),
            }, openBlas: true);
        foreach (Case measured in cases.Where(c => c.Reference is not null))
        {
            double latency = results[$"{measured.Reference}.b1.latency_median_ms"];
            double rate = results[$"{measured.Reference}.b{settings.Batch}.img_per_s"];
            measured.ReferenceLatency.Add(latency);
            measured.ReferenceRate.Add(rate);
            Console.WriteLine($"  round {round} PyTorch {measured.Reference} 3×224×224: batch-1 " +
                              $"{Stats.F(latency, 2)} ms, batch {settings.Batch} {Stats.F(rate, 1)} img/s");
        }
    }

    private static void Report(string what, List<double> ours, List<double> theirs, bool higherIsBetter)
    {
        double a = Stats.Median(ours), b = Stats.Median(theirs);
        string reference = double.IsNaN(b) ? "no PyTorch reference" : $"PyTorch {Stats.F(b, 2)}";
        Console.WriteLine($"{what}: ours {Stats.F(a, 2)}, {reference} (medians)");
        if (!double.IsNaN(b))
        {
            double ratio = higherIsBetter ? a / b : b / a;
            Console.WriteLine($"RATIO {what}, speed ours / PyTorch: {Stats.F(ratio, 2)} (above 1 is faster)");
        }
    }

    private sealed record Settings(int Threads, int Warmup, int LatencyRuns, int Batch, int BatchRuns);

    /// <summary>One network at one input size, with the figures of every round.</summary>
    private sealed class Case
    {
        public Case(NetworkArchitecture architecture, int channels, int side, string? reference)
        {
            Channels = channels;
            Side = side;
            Reference = reference;
            Label = $"{architecture} {channels}×{side}×{side}";
            Network = NetworkFactory.Create(architecture, channels, side, side, ClassCount, seed: 1);
        }

        public string Label { get; }

        public int Channels { get; }

        public int Side { get; }

        public string? Reference { get; }

        public nn.Module<Tensor, Tensor> Network { get; }

        public List<double> Latency { get; } = new();

        public List<double> Rate { get; } = new();

        public List<double> ReferenceLatency { get; } = new();

        public List<double> ReferenceRate { get; } = new();
    }
}
