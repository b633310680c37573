using System.Diagnostics;
using DlClassifier.Engine.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Bench.Commands;

/// <summary>
/// The reference's network A trained and run through the engine's TorchSharp against the PyTorch reference
/// script on the same machine, alternately, with the same batch sizes, threads and data.
/// </summary>
internal sealed class NetworkACommand : IBenchCommand
{
    private const float Mean = 0.2860f;
    private const float Std = 0.3530f;

    public string Name => "NetworkA";

    public string Summary => "network A: training img/s, batch-256 inference, batch-1 latency vs PyTorch";

    public int Run(BenchArgs args)
    {
        int rounds = args.Int("rounds", 3);
        int epochs = args.Int("epochs", 1);
        int threads = args.Int("threads", 2);
        bool python = PythonReference.IsAvailable() && !args.Has("no-reference");
        string blas = BenchPaths.OpenBlasLibraryFolder() is null
            ? "reference BLAS (see bench/README.md to unpack OpenBLAS for batch-1 latency)"
            : "OpenBLAS from bench/output/openblas";
        Console.WriteLine($"NetworkA: {rounds} rounds, {epochs} epoch(s) on 60,000 images, {threads} threads; " +
                          $"PyTorch reference {(python ? "with " + blas : "not available")}");

        FashionMnist data = FashionMnist.Load();
        DeviceManager.SetThreads(threads);
        using Tensor trainImages = PreloadedTraining.Normalised(data.TrainImages, 1, 28, 28, Mean, Std);
        using Tensor trainLabels = tensor(data.TrainLabels.Select(l => (long)l).ToArray());
        using Tensor testImages = PreloadedTraining.Normalised(data.TestImages, 1, 28, 28, Mean, Std);
        using Tensor testLabels = tensor(data.TestLabels.Select(l => (long)l).ToArray());

        var ours = new List<(double Train, double Infer, double Latency)>();
        var theirs = new List<(double Train, double Infer, double Latency)>();
        for (int round = 1; round <= rounds; round++)
        {
            ours.Add(RunOurs(trainImages, trainLabels, testImages, testLabels, epochs, threads, round));
            if (python)
            {
                Dictionary<string, double> r = PythonReference.Run(BenchPaths.SharedReference, new[]
                {
                    "--parts", "A", "--threads", threads.ToString(), "--epochs-a", epochs.ToString(),
                }, openBlas: true);
                theirs.Add((r["A.train.median_img_per_s"], r["A.infer.b256.img_per_s"],
                    r["A.infer.b1.latency_median_ms"]));
                Console.WriteLine($"  round {round} PyTorch: train {Stats.F(theirs[^1].Train, 0)} img/s, " +
                                  $"test error {Stats.F(r[$"A.test_err.epoch{epochs}"], 2)} %, inference " +
                                  $"{Stats.F(theirs[^1].Infer, 0)} img/s, batch-1 {Stats.F(theirs[^1].Latency, 3)} ms");
            }
        }

        Console.WriteLine();
        Report("training images/s", ours.Select(o => o.Train), theirs.Select(t => t.Train), higherIsBetter: true);
        Report("inference images/s (batch 256)", ours.Select(o => o.Infer), theirs.Select(t => t.Infer), true);
        Report("batch-1 latency ms", ours.Select(o => o.Latency), theirs.Select(t => t.Latency), false);
        return 0;
    }

    private static void Report(string what, IEnumerable<double> ours, IEnumerable<double> theirs, bool higherIsBetter)
    {
        double a = Stats.Median(ours), b = Stats.Median(theirs);
        Console.WriteLine($"{what}: ours {Stats.F(a, 3)}, PyTorch {Stats.F(b, 3)} (medians)");
        if (!double.IsNaN(b))
        {
            double ratio = higherIsBetter ? a / b : b / a;
            Console.WriteLine($"RATIO {what}, speed ours / PyTorch: {Stats.F(ratio, 2)} (target >= 1.00)");
        }
    }

    private static (double Train, double Infer, double Latency) RunOurs(Tensor trainImages, Tensor trainLabels,
        Tensor testImages, Tensor testLabels, int epochs, int threads, int round)
    {
        DeviceManager.SetThreads(threads);
        torch.random.manual_seed(42);
        using var network = new NetworkA();
        using optim.Optimizer optimizer = optim.SGD(network.parameters(), 0.01, momentum: 0.9);
        var rates = new List<double>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            rates.Add(PreloadedTraining.Epoch(network, optimizer, trainImages, trainLabels, 64, 42 + epoch,
                timeFromFirstBatch: false).ImagesPerSecond);
        }
        double error = PreloadedTraining.Error(network, testImages, testLabels);
        double infer = InferenceRate(network, testImages, 256);
        double latency = LatencyMilliseconds(network, testImages);
        Console.WriteLine($"  round {round} ours:    train {Stats.F(Stats.Median(rates), 0)} img/s, test error " +
                          $"{Stats.F(error * 100, 2)} %, inference {Stats.F(infer, 0)} img/s, batch-1 " +
                          $"{Stats.F(latency, 3)} ms");
        return (Stats.Median(rates), infer, latency);
    }

    /// <summary>Images per second in eval mode at a batch size, after two warm-up batches.</summary>
    private static double InferenceRate(nn.Module<Tensor, Tensor> network, Tensor images, int batchSize)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        long count = images.shape[0] / batchSize * batchSize;
        for (int i = 0; i < 2; i++)
        {
            using var scope = NewDisposeScope();
            network.forward(images[TensorIndex.Slice(i * batchSize, (i + 1) * batchSize)]);
        }
        var clock = Stopwatch.StartNew();
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            network.forward(images[TensorIndex.Slice(start, start + batchSize)]);
        }
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The median milliseconds of one image through the network, over 200 runs after 20 warm-up runs.
    /// </summary>
    private static double LatencyMilliseconds(nn.Module<Tensor, Tensor> network, Tensor images, int runs = 200,
        int warmup = 20)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        Tensor[] inputs = Enumerable.Range(0, runs + warmup)
            .Select(i => images[TensorIndex.Slice(i, i + 1)].clone()).ToArray();
        var times = new List<double>();
        for (int i = 0; i < inputs.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            network.forward(inputs[i]).Dispose();
            if (i >= warmup)
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        foreach (Tensor input in inputs)
        {
            input.Dispose();
        }
        return Stats.Median(times);
    }
}
