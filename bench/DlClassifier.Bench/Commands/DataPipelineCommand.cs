using System.Diagnostics;
using DlClassifier.Engine;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.Bench.Commands;

/// <summary>
/// The data path on the full Fashion-MNIST as 70,000 PNG files: import plus preprocessing against the PyTorch
/// reference's decode of the same files, and training from the files (cache warm) against the same network
/// trained from pre-loaded tensors in the same process.
/// </summary>
internal sealed class DataPipelineCommand : IBenchCommand
{
    public string Name => "DataPipeline";

    public string Summary => "import/preprocess rate vs torchvision decode; training from PNG files vs tensors";

    public int Run(BenchArgs args)
    {
        int rounds = args.Int("rounds", 3);
        int epochs = args.Int("epochs", 2);
        int threads = args.Int("threads", 2);
        FashionMnist data = FashionMnist.Load();
        data.WritePngs(BenchPaths.PngRoot);
        string trainRoot = Path.Combine(BenchPaths.PngRoot, "train");
        string testRoot = Path.Combine(BenchPaths.PngRoot, "test");
        bool python = PythonReference.IsAvailable() && !args.Has("no-reference");
        Console.WriteLine($"DataPipeline: {rounds} rounds, {threads} threads, {Environment.ProcessorCount} cores; " +
                          $"reference {(python ? "torchvision decode, run alternately" : "not available")}");

        var importRates = new List<double>();
        var referenceRates = new List<double>();
        var fileRates = new List<double>();
        var tensorRates = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            DeviceManager.SetThreads(threads);
            (double importRate, DlDataSet train, DlDataSet test) = ImportAndPreprocess(trainRoot, testRoot, round);
            importRates.Add(importRate);
            if (python)
            {
                Dictionary<string, double> reference = PythonReference.Run(BenchPaths.LocalReference("png_decode.py"),
                    new[] { "--root", BenchPaths.PngRoot, "--threads", threads.ToString() }, openBlas: false);
                double best = Math.Max(reference["decode.nw0.img_per_s"], reference["decode.nw2.img_per_s"]);
                referenceRates.Add(best);
                Console.WriteLine($"  round {round}: torchvision decode " +
                                  $"{Stats.F(reference["decode.nw0.img_per_s"], 0)} img/s (0 workers), " +
                                  $"{Stats.F(reference["decode.nw2.img_per_s"], 0)} img/s (2 workers)");
            }

            (double files, Classifier classifier) = TrainFromFiles(train, test, epochs, threads, round);
            fileRates.Add(files);
            double tensors = TrainFromTensors(data, classifier, epochs, threads, round);
            tensorRates.Add(tensors);
            classifier.Dispose();
        }

        Console.WriteLine();
        Console.WriteLine($"import + preprocess, median of {rounds}: {Stats.F(Stats.Median(importRates), 0)} img/s");
        if (python)
        {
            double ratio = Stats.Median(importRates) / Stats.Median(referenceRates);
            Console.WriteLine($"torchvision decode (better of 0 and 2 workers), median: " +
                              $"{Stats.F(Stats.Median(referenceRates), 0)} img/s");
            Console.WriteLine($"RATIO import+preprocess / torchvision decode: {Stats.F(ratio, 2)} (target > 1.00)");
        }
        double training = Stats.Median(fileRates) / Stats.Median(tensorRates);
        Console.WriteLine($"training from PNG files (epochs after the first), median: " +
                          $"{Stats.F(Stats.Median(fileRates), 0)} img/s");
        Console.WriteLine($"training from pre-loaded tensors, same network, median: " +
                          $"{Stats.F(Stats.Median(tensorRates), 0)} img/s");
        Console.WriteLine($"RATIO training from files / from tensors: {Stats.F(training, 2)} (target >= 0.90)");
        return 0;
    }

    /// <summary>Imports both folders and decodes every image into the byte cache training reads from.</summary>
    private static (double Rate, DlDataSet Train, DlDataSet Test) ImportAndPreprocess(string trainRoot,
        string testRoot, int round)
    {
        var clock = Stopwatch.StartNew();
        DlDataSet train = DataSetImporter.ImportFolders(new[] { trainRoot });
        DlDataSet test = DataSetImporter.ImportFolders(new[] { testRoot });
        double importSeconds = clock.Elapsed.TotalSeconds;
        using Classifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn,
            train.ClassNames, 28, 28, 1);
        DlSample[] all = train.Samples.Concat(test.Samples).ToArray();
        ImageCache cache = ImageCache.Load(classifier, all, long.MaxValue / 4, "Reading", NullReporter.Instance,
            CancellationToken.None);
        double seconds = clock.Elapsed.TotalSeconds;
        double rate = cache.Count / seconds;
        Console.WriteLine($"  round {round}: imported {train.Count + test.Count} files in " +
                          $"{Stats.F(importSeconds, 2)} s " +
                          $"(headers, hashes), preprocessed in {Stats.F(seconds - importSeconds, 2)} s: " +
                          $"{Stats.F(rate, 0)} img/s");
        return (rate, train, test);
    }

    private static (double Rate, Classifier Classifier) TrainFromFiles(DlDataSet train, DlDataSet test, int epochs,
        int threads, int round)
    {
        DlSample[] samples = train.Samples.Select(s => s.WithSplit(SampleSplit.Training))
            .Concat(test.Samples.Select(s => s.WithSplit(SampleSplit.Validation))).ToArray();
        var dataSet = new DlDataSet(train.ClassNames, samples);
        // Augmentation off: the pre-loaded control does none, so both do the same arithmetic per image.
        var parameters = new DlClassifierParam { Epochs = epochs, AugmentationPercentage = 0, Threads = threads };
        Classifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn, train.ClassNames,
            28, 28, 1, parameters);
        var clock = new BatchClock();
        Trainer.Train(classifier, dataSet, new TrainingOptions(), clock, CancellationToken.None);
        var rates = new List<double>();
        for (int epoch = 2; epoch <= epochs; epoch++)
        {
            List<double> times = clock.BatchTimes[$"Epoch {epoch}"];
            rates.Add((train.Count - parameters.BatchSize) / (times[^1] - times[0]));
        }
        double rate = Stats.Median(rates);
        Console.WriteLine($"  round {round}: trained from files, epochs 2–{epochs}: {Stats.F(rate, 0)} img/s");
        return (rate, classifier);
    }

    private static double TrainFromTensors(FashionMnist data, Classifier trained, int epochs, int threads, int round)
    {
        // The same normalisation the trainer measured on the same training images.
        float mean = trained.NormalizationMean![0], std = trained.NormalizationStd![0];
        using Tensor images = PreloadedTraining.Normalised(data.TrainImages, 1, 28, 28, mean, std);
        using Tensor labels = tensor(data.TrainLabels.Select(l => (long)l).ToArray());
        DeviceManager.SetThreads(threads);
        var parameters = new DlClassifierParam();
        using nn.Module<Tensor, Tensor> network = NetworkFactory.Create(NetworkArchitecture.CompactCnn, 1, 28, 28, 10,
            parameters.Seed);
        using optim.Optimizer optimizer = optim.SGD(network.parameters(), parameters.LearningRate,
            momentum: parameters.Momentum, weight_decay: parameters.WeightPrior);
        var rates = new List<double>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            (double rate, _) = PreloadedTraining.Epoch(network, optimizer, images, labels, parameters.BatchSize,
                parameters.Seed + epoch, timeFromFirstBatch: true);
            if (epoch >= 2 || epochs == 1)
            {
                rates.Add(rate);
            }
        }
        double median = Stats.Median(rates);
        Console.WriteLine($"  round {round}: trained from pre-loaded tensors, epochs 2–{epochs}: " +
                          $"{Stats.F(median, 0)} img/s");
        return median;
    }
}
