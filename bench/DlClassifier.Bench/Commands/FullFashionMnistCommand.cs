using System.Diagnostics;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Training;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.Bench.Commands;

/// <summary>
/// The default network and parameters on the full Fashion-MNIST: the 60,000 training PNGs split 90/10 into
/// training and validation (stratified, seed 42), the 10,000 test PNGs as the test set, evaluated once.
/// </summary>
internal sealed class FullFashionMnistCommand : IBenchCommand
{
    public string Name => "FullFashionMnist";

    public string Summary => "default classifier on 60k/10k Fashion-MNIST: test accuracy and training time";

    public int Run(BenchArgs args)
    {
        FashionMnist.Load().WritePngs(BenchPaths.PngRoot);
        string output = Path.Combine(BenchPaths.Output, "full-fashion-mnist");
        Directory.CreateDirectory(output);
        DlDataSet train = DataSetSplitter.Split(
            DataSetImporter.ImportFolders(new[] { Path.Combine(BenchPaths.PngRoot, "train") }), 90, 10, 42);
        DlDataSet test = DataSetImporter.ImportFolders(new[] { Path.Combine(BenchPaths.PngRoot, "test") });
        var dataSet = new DlDataSet(train.ClassNames,
            train.Samples.Concat(test.Samples.Select(s => s.WithSplit(SampleSplit.Test))).ToArray());

        var parameters = new DlClassifierParam();
        if (args.Has("epochs"))
        {
            parameters.Epochs = args.Int("epochs", parameters.Epochs);
        }
        Console.WriteLine($"FullFashionMnist: {dataSet.TrainingCount} training, {dataSet.ValidationCount} " +
                          $"validation, {dataSet.TestCount} test images; default parameters " +
                          $"({parameters.Epochs} epochs, batch {parameters.BatchSize}, learning rate " +
                          $"{parameters.LearningRate}, {Environment.ProcessorCount} cores)");
        using Classifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn,
            dataSet.ClassNames, 28, 28, 1, parameters);
        var clock = Stopwatch.StartNew();
        var options = new TrainingOptions
        {
            CheckpointPath = Path.Combine(output, "checkpoint.dlc"),
            PlotPath = Path.Combine(output, "training.png"),
            EpochCompleted = r => Console.WriteLine(
                $"  epoch {r.Epoch,2}: loss {Stats.F(r.TrainingLoss, 4)}, validation error " +
                $"{Stats.F((r.ValidationError ?? double.NaN) * 100, 2)} %, {Stats.F(r.Seconds)} s, " +
                $"{Stats.F(clock.Elapsed.TotalMinutes)} min so far{(r.IsBest ? " (best)" : "")}"),
        };
        DlTrainingResult result = Trainer.Train(classifier, dataSet, options, new BatchClock(),
            CancellationToken.None);
        double minutes = clock.Elapsed.TotalMinutes;
        DlEvaluation evaluation = Evaluator.Evaluate(classifier, dataSet, SampleSplit.Test, null,
            CancellationToken.None);
        Console.WriteLine($"training took {Stats.F(minutes)} min (target within 30 min); best epoch " +
                          $"{classifier.BestEpoch}, validation error " +
                          $"{Stats.F(classifier.BestValidationError!.Value * 100, 2)} %");
        Console.WriteLine($"RESULT test accuracy {Stats.F(evaluation.Accuracy * 100, 2)} % on {dataSet.TestCount} " +
                          $"test images (target >= 92.5 %), {result.EpochsTrained} epochs in {Stats.F(minutes)} min");
        return 0;
    }
}
