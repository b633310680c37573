using DlClassifier.Engine.Data;
using DlClassifier.Engine.Persistence;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

[Collection("Native")]
public sealed class TrainerResumeTests : IClassFixture<SyntheticImageSet>, IDisposable
{
    private readonly SyntheticImageSet images;
    private readonly TemporaryFolder output = new("resume");

    public TrainerResumeTests(SyntheticImageSet images)
    {
        this.images = images;
    }

    public void Dispose() => output.Dispose();

    [Theory]
    [InlineData(Solver.Sgd)]
    [InlineData(Solver.Adam)]
    public void Train_ResumedFromCheckpointFile_MatchesAnUnbrokenTraining(Solver solver)
    {
        DlClassifierParam parameters = Parameters(solver, epochs: 4);
        using DlClassifier straight = images.NewClassifier(parameters);
        DlTrainingResult unbroken = Trainer.Train(straight, images.DataSet, null, null, CancellationToken.None);

        string checkpoint = Path.Combine(output.Path, $"{solver}.dlc");
        using (DlClassifier interrupted = images.NewClassifier(parameters))
        {
            StopAfterEpoch(interrupted, 2, checkpoint);
        }
        using DlClassifier resumed = ClassifierFile.Load(checkpoint);
        Assert.Equal(2, resumed.History.Count);
        var reporter = new RecordingReporter();
        DlTrainingResult continued = Trainer.Train(resumed, images.DataSet, null, reporter, CancellationToken.None);

        Assert.Empty(reporter.Warnings);
        Assert.Equal(2, continued.EpochsTrained);
        Assert.Equal(new[] { 1, 2, 3, 4 }, continued.History.Select(r => r.Epoch));
        Assert.Equal(unbroken.History.Select(r => r.TrainingLoss), continued.History.Select(r => r.TrainingLoss));
        Assert.Equal(unbroken.History.Select(r => r.LearningRate), continued.History.Select(r => r.LearningRate));
        Assert.Equal(unbroken.History.Select(r => r.ValidationLoss), continued.History.Select(r => r.ValidationLoss));
        Assert.Equal(unbroken.BestEpoch, continued.BestEpoch);
        Assert.Equal(straight.GetWeightsHash(), resumed.GetWeightsHash());
        Assert.Equal(straight.Resume!.Weights, resumed.Resume!.Weights);
    }

    [Fact]
    public void Train_AllEpochsTrained_WarnsAndTrainsNothing()
    {
        using DlClassifier classifier = images.NewClassifier(Parameters(Solver.Sgd, epochs: 2));
        Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);
        string hash = classifier.GetWeightsHash();
        var reporter = new RecordingReporter();

        DlTrainingResult again = Trainer.Train(classifier, images.DataSet, null, reporter, CancellationToken.None);

        Assert.Equal((0, "Completed"), (again.EpochsTrained, again.StopReason));
        Assert.Equal(2, again.History.Length);
        Assert.Contains(reporter.Warnings, w => w.Contains("nothing is left to train", StringComparison.Ordinal));
        Assert.Equal(hash, classifier.GetWeightsHash());
    }

    [Fact]
    public void Train_FileWithoutOptimizerState_WarnsAndContinuesFromTheBestWeights()
    {
        string file = Path.Combine(output.Path, "exported.dlc");
        using (DlClassifier first = images.NewClassifier(Parameters(Solver.Sgd, epochs: 2)))
        {
            Trainer.Train(first, images.DataSet, null, null, CancellationToken.None);
            ClassifierFile.Save(first, file);
        }
        using DlClassifier loaded = ClassifierFile.Load(file);
        Assert.False(loaded.CanResume);
        loaded.UpdateParameters(p => p.Epochs = 3);
        var reporter = new RecordingReporter();

        DlTrainingResult result = Trainer.Train(loaded, images.DataSet, null, reporter, CancellationToken.None);

        Assert.Equal(new[] { 1, 2, 3 }, result.History.Select(r => r.Epoch));
        Assert.Contains(reporter.Warnings, w => w.Contains("fresh optimiser", StringComparison.Ordinal));
        Assert.All(result.History, r => Assert.True(double.IsFinite(r.TrainingLoss)));
    }

    [Fact]
    public void Train_CancelledInThirdEpoch_KeepsTheSecondEpochForResuming()
    {
        using DlClassifier classifier = images.NewClassifier(Parameters(Solver.Sgd, epochs: 4));
        string checkpoint = Path.Combine(output.Path, "cancelled.dlc");

        StopAfterEpoch(classifier, 2, checkpoint);

        Assert.Equal(2, classifier.History.Count);
        Assert.True(classifier.CanResume);
        Assert.Equal(0, classifier.BatchesAfterStopRequest);
        using DlClassifier loaded = ClassifierFile.Load(checkpoint);
        Assert.Equal(classifier.GetWeightsHash(), loaded.GetWeightsHash());
        Assert.Equal(classifier.Resume!.Optimizer, loaded.Resume!.Optimizer);
    }

    [Fact]
    public void ClassWeights_InverseFrequencyAndFactors_WeighRareClassesUp()
    {
        var parameters = new DlClassifierParam { ClassWeighting = ClassWeighting.InverseFrequency };
        parameters.ClassWeight["NUT"] = 2;

        float[]? weights = ClassWeights.For(parameters, new[] { "bolt", "nut", "washer" }, new[] { 0, 0, 0, 1 });

        // 4 images in 3 classes: bolt 4/(3·3), nut 4/(3·1) times 2, washer (no images) 1.
        Assert.Equal(new[] { 4f / 9, 8f / 3, 1f }, weights);
        Assert.Null(ClassWeights.For(new DlClassifierParam(), new[] { "a", "b" }, new[] { 0, 1 }));
    }

    [Fact]
    public void ClassWeights_UnknownClass_ThrowsNamingIt()
    {
        var parameters = new DlClassifierParam();
        parameters.ClassWeight["screw"] = 2;

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => ClassWeights.Check(parameters, new[] { "bolt", "nut" }));

        Assert.Equal("screw", error.ActualValue);
        Assert.Contains("'screw'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassWeights_SavedAndLoaded_KeepModeAndFactors()
    {
        DlClassifierParam parameters = Parameters(Solver.Sgd, epochs: 1);
        parameters.ClassWeighting = ClassWeighting.InverseFrequency;
        parameters.ClassWeight["left"] = 1.5;
        string file = Path.Combine(output.Path, "weighted.dlc");
        using (DlClassifier classifier = images.NewClassifier(parameters))
        {
            ClassifierFile.Save(classifier, file);
        }

        using DlClassifier loaded = ClassifierFile.Load(file);

        Assert.Equal(ClassWeighting.InverseFrequency, loaded.Parameters.ClassWeighting);
        Assert.Equal(1.5, loaded.Parameters.Clone().ClassWeight["LEFT"]);
        Assert.False(loaded.CanResume);
    }

    [Fact]
    public void Train_WithInverseFrequencyWeights_TrainsWithFiniteOtherLosses()
    {
        DlDataSet imbalanced = WithTraining(images.DataSet.InSplit(SampleSplit.Training)
            .Where((s, i) => s.ClassName == "left" || i % 3 == 0).ToArray());
        DlClassifierParam weighted = Parameters(Solver.Sgd, epochs: 2);
        weighted.ClassWeighting = ClassWeighting.InverseFrequency;
        using DlClassifier plain = images.NewClassifier(Parameters(Solver.Sgd, epochs: 2));
        using DlClassifier balanced = images.NewClassifier(weighted);

        DlTrainingResult a = Trainer.Train(plain, imbalanced, null, null, CancellationToken.None);
        DlTrainingResult b = Trainer.Train(balanced, imbalanced, null, null, CancellationToken.None);

        Assert.All(b.History, r => Assert.True(double.IsFinite(r.TrainingLoss)));
        Assert.NotEqual(a.History[0].TrainingLoss, b.History[0].TrainingLoss);
    }

    [Theory]
    [InlineData(1, 4, "single training image")]
    [InlineData(5, 4, "merged the last batch of one image")]
    [InlineData(3, 8, "larger than the 3 training images")]
    [InlineData(7, 4, "fewer than two training images")]
    public void Train_SmallTrainingSet_FinishesEveryEpochWithFiniteLossAndSaysWhy(int count, int batchSize,
        string message)
    {
        // The first training images are "left" ones except the last, so count 7 leaves "right" with one image.
        DlSample[] left = images.DataSet.InSplit(SampleSplit.Training).Where(s => s.ClassName == "left").ToArray();
        DlSample[] right = images.DataSet.InSplit(SampleSplit.Training).Where(s => s.ClassName == "right").ToArray();
        DlSample[] chosen = count == 7
            ? left.Take(6).Append(right[0]).ToArray()
            : left.Concat(right).Take(count).ToArray();
        DlClassifierParam parameters = Parameters(Solver.Sgd, epochs: 2);
        parameters.BatchSize = batchSize;
        using DlClassifier classifier = images.NewClassifier(parameters);
        var reporter = new RecordingReporter();

        DlTrainingResult result = Trainer.Train(classifier, WithTraining(chosen), null, reporter,
            CancellationToken.None);

        Assert.Equal(2, result.History.Length);
        Assert.All(result.History, r => Assert.True(double.IsFinite(r.TrainingLoss), $"Loss {r.TrainingLoss}"));
        Assert.Contains(reporter.Warnings, w => w.Contains(message, StringComparison.Ordinal));
    }

    private static DlClassifierParam Parameters(Solver solver, int epochs)
    {
        DlClassifierParam parameters = SyntheticImageSet.QuickParameters(epochs: epochs);
        parameters.Solver = solver;
        parameters.LearningRate = solver == Solver.Adam ? 0.005 : 0.05;
        return parameters;
    }

    /// <summary>Trains with a checkpoint and cancels as soon as the given epoch is recorded.</summary>
    private void StopAfterEpoch(DlClassifier classifier, int epoch, string checkpoint)
    {
        using var cancellation = new CancellationTokenSource();
        var reporter = new RecordingReporter(onVerbose: message =>
        {
            if (message.StartsWith($"Epoch {epoch}:", StringComparison.Ordinal))
            {
                cancellation.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Train(classifier, images.DataSet,
            new TrainingOptions { CheckpointPath = checkpoint }, reporter, cancellation.Token));
    }

    /// <summary>The synthetic set with only the given training images; validation and test stay as they are.</summary>
    private DlDataSet WithTraining(IReadOnlyList<DlSample> training) =>
        new(images.DataSet.ClassNames,
            images.DataSet.Samples.Where(s => s.Split != SampleSplit.Training).Concat(training).ToArray());
}
