using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Persistence;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

[Collection("Native")]
public sealed class TrainerTests : IClassFixture<SyntheticImageSet>, IDisposable
{
    private readonly SyntheticImageSet images;
    private readonly TemporaryFolder output = new("trainer");

    public TrainerTests(SyntheticImageSet images)
    {
        this.images = images;
    }

    public void Dispose() => output.Dispose();

    [Fact]
    public void Train_TinySet_RecordsThreeEpochsWithFiniteLosses()
    {
        using DlClassifier classifier = images.NewClassifier();

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);

        Assert.Equal(3, result.History.Length);
        Assert.Equal(3, classifier.History.Count);
        Assert.Equal(new[] { 1, 2, 3 }, result.History.Select(r => r.Epoch));
        // On images this easy the cross-entropy of a whole epoch may round to exactly 0 in single precision.
        Assert.All(result.History,
            r => Assert.True(double.IsFinite(r.TrainingLoss) && r.TrainingLoss >= 0, $"Loss {r.TrainingLoss}"));
        Assert.All(result.History, r => Assert.True(r.ValidationLoss is { } loss && double.IsFinite(loss)));
        Assert.All(result.History, r => Assert.InRange(r.ValidationError!.Value, 0, 1));
        Assert.All(result.History, r => Assert.InRange(r.TrainingError!.Value, 0, 1));
        Assert.Equal((3, "Completed"), (result.EpochsTrained, result.StopReason));
        Assert.Equal("CPU", result.Device.ToUpperInvariant());
        Assert.True(classifier.IsTrained);
    }

    [Fact]
    public void Train_TinySet_LearningRateFollowsCosineSchedule()
    {
        using DlClassifier classifier = images.NewClassifier();

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);

        DlClassifierParam parameters = classifier.Parameters;
        Assert.Equal(Enumerable.Range(1, 3).Select(e => LearningRates.ForEpoch(parameters, e, 3)),
            result.History.Select(r => r.LearningRate));
        Assert.Equal(0.05, result.History[0].LearningRate);
    }

    [Fact]
    public void Train_TinySet_BestEpochHasLowestValidationErrorAndIsTheFirstSuch()
    {
        using DlClassifier classifier = images.NewClassifier();

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);

        double lowest = result.History.Min(r => r.ValidationError!.Value);
        int firstLowest = result.History.First(r => r.ValidationError == lowest).Epoch;
        Assert.Equal(firstLowest, result.BestEpoch);
        Assert.Equal(lowest, result.BestValidationError);
        Assert.Equal(result.BestEpoch, classifier.BestEpoch);
        Assert.Equal(result.BestValidationError, classifier.BestValidationError);
        Assert.True(result.History[firstLowest - 1].IsBest);
    }

    [Fact]
    public void Train_TinySet_ClassifierHoldsTheBestEpochsWeights()
    {
        using DlClassifier classifier = images.NewClassifier();

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);
        DlEvaluation evaluation = Evaluator.Evaluate(classifier, images.DataSet, SampleSplit.Validation, null,
            CancellationToken.None);

        DlEpochRecord best = result.History[result.BestEpoch!.Value - 1];
        Assert.Equal(result.BestValidationError, evaluation.TopOneError);
        Assert.Equal(best.ValidationLoss, evaluation.LogLoss);
    }

    [Fact]
    public void Train_SameSeedTwice_GivesIdenticalLossesAndProbabilities()
    {
        using DlClassifier first = images.NewClassifier();
        using DlClassifier second = images.NewClassifier();

        DlTrainingResult a = Trainer.Train(first, images.DataSet, null, null, CancellationToken.None);
        DlTrainingResult b = Trainer.Train(second, images.DataSet, null, null, CancellationToken.None);

        Assert.Equal(a.History.Select(r => r.TrainingLoss), b.History.Select(r => r.TrainingLoss));
        Assert.Equal(a.History.Select(r => r.ValidationLoss), b.History.Select(r => r.ValidationLoss));
        Assert.Equal(Probabilities(first), Probabilities(second));
    }

    [Fact]
    public void Train_OtherSeed_GivesOtherLosses()
    {
        using DlClassifier first = images.NewClassifier(SyntheticImageSet.QuickParameters(seed: 11));
        using DlClassifier second = images.NewClassifier(SyntheticImageSet.QuickParameters(seed: 12));

        DlTrainingResult a = Trainer.Train(first, images.DataSet, null, null, CancellationToken.None);
        DlTrainingResult b = Trainer.Train(second, images.DataSet, null, null, CancellationToken.None);

        Assert.NotEqual(a.History[0].TrainingLoss, b.History[0].TrainingLoss);
    }

    [Fact]
    public void Train_CancelledDuringSecondEpoch_ThrowsAndKeepsFirstEpochAsBest()
    {
        // 12 training images in batches of 4 make three batches per epoch; the fifth batch is in epoch 2.
        using DlClassifier classifier = images.NewClassifier();
        using var cancellation = new CancellationTokenSource();
        int batches = 0;
        var reporter = new RecordingReporter(update =>
        {
            if (update.Level == 1 && update.Status.StartsWith("Batch", StringComparison.Ordinal)
                && Interlocked.Increment(ref batches) == 5)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(
            () => Trainer.Train(classifier, images.DataSet, null, reporter, cancellation.Token));

        Assert.Equal(5, batches);
        DlEpochRecord only = Assert.Single(classifier.History);
        Assert.Equal(1, classifier.BestEpoch);
        Assert.Equal(only.ValidationError, classifier.BestValidationError);
        DlEvaluation evaluation = Evaluator.Evaluate(classifier, images.DataSet, SampleSplit.Validation, null,
            CancellationToken.None);
        Assert.Equal(only.ValidationError, evaluation.TopOneError);
        Assert.Equal(only.ValidationLoss, evaluation.LogLoss);
    }

    [Fact]
    public void Train_WithCheckpointAndPlot_WritesBothAndCheckpointLoads()
    {
        string checkpoint = Path.Combine(output.Path, "sub", "best.dlc");
        string plot = Path.Combine(output.Path, "progress.png");
        using DlClassifier classifier = images.NewClassifier();

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet,
            new TrainingOptions { CheckpointPath = checkpoint, PlotPath = plot }, null, CancellationToken.None);

        Assert.Equal((checkpoint, plot), (result.CheckpointPath, result.PlotPath));
        Assert.True(File.Exists(plot));
        using DlClassifier loaded = ClassifierFile.Load(checkpoint);
        Assert.Equal(result.BestEpoch, loaded.BestEpoch);
        Assert.Equal(result.BestValidationError, loaded.BestValidationError);
        Assert.Equal(result.History.Length, loaded.History.Count);
        Assert.True(loaded.CanResume);
        Assert.Equal(Probabilities(classifier), Probabilities(loaded));
    }

    [Fact]
    public void Train_AgainWithMoreEpochs_ContinuesTheHistoryUpToTheNewTotal()
    {
        using DlClassifier classifier = images.NewClassifier(SyntheticImageSet.QuickParameters(epochs: 2));
        Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);
        classifier.UpdateParameters(p => p.Epochs = 3);

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);

        Assert.Equal(new[] { 1, 2, 3 }, result.History.Select(r => r.Epoch));
        Assert.Equal(1, result.EpochsTrained);
    }

    [Fact]
    public void Train_AgainWithoutImprovement_KeepsTheBestEpochsWeights()
    {
        // The first run reaches the lowest validation error there is, so no epoch of the second run can beat it.
        using DlClassifier classifier = images.NewClassifier(SyntheticImageSet.QuickParameters(epochs: 3));
        DlTrainingResult first = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);
        Assert.Equal(0, first.BestValidationError);
        DlEpochRecord best = first.History[first.BestEpoch!.Value - 1];
        classifier.UpdateParameters(p => p.Epochs = 5);

        DlTrainingResult second = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);
        DlEvaluation evaluation = Evaluator.Evaluate(classifier, images.DataSet, SampleSplit.Validation, null,
            CancellationToken.None);

        Assert.Equal(first.BestEpoch, second.BestEpoch);
        Assert.Equal(best.ValidationLoss, evaluation.LogLoss);
    }

    [Fact]
    public void Train_NoImprovementForPatience_StopsEarly()
    {
        // Six validation images allow at most six strict improvements, so ten epochs with patience 1 must stop early.
        DlClassifierParam parameters = SyntheticImageSet.QuickParameters(epochs: 10);
        parameters.EarlyStoppingPatience = 1;
        using DlClassifier classifier = images.NewClassifier(parameters);

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);

        Assert.Equal("EarlyStopping", result.StopReason);
        Assert.True(result.EpochsTrained < 10);
        Assert.False(result.History[^1].IsBest);
        Assert.True(result.History[^2].IsBest);
    }

    [Fact]
    public void Train_DataSetWithoutValidation_ThrowsInvalidOperation()
    {
        DlDataSet trainingOnly = DataSetSplitter.Split(images.DataSet, 100, 0, seed: 1);
        using DlClassifier classifier = images.NewClassifier();

        Assert.Throws<InvalidOperationException>(
            () => Trainer.Train(classifier, trainingOnly, null, null, CancellationToken.None));
        Assert.Empty(classifier.History);
    }

    [Fact]
    public void Train_EvaluationEverySecondEpoch_LeavesOtherEpochsUnevaluated()
    {
        // Epoch 2 is the second of the interval and epoch 3 the last, so only epoch 1 goes unevaluated.
        DlClassifierParam parameters = SyntheticImageSet.QuickParameters(epochs: 3);
        parameters.EvaluationInterval = 2;
        using DlClassifier classifier = images.NewClassifier(parameters);

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);

        Assert.Equal(new bool[] { false, true, true }, result.History.Select(r => r.ValidationError.HasValue));
        Assert.Null(result.History[0].TrainingError);
        Assert.Null(result.History[0].ValidationLoss);
        Assert.False(result.History[0].IsBest);
        Assert.NotEqual(1, result.BestEpoch);
    }

    [Fact]
    public void Train_SampleOfUnknownClass_ThrowsUnknownClassAndLeavesClassifierUntrained()
    {
        var dataSet = new DlDataSet(new[] { "left", "up" }, images.DataSet.Samples
            .Select(s => s.ClassName == "right" ? new DlSample(s.Path, "up", 1, s.Split) : s).ToArray());
        using DlClassifier classifier = images.NewClassifier();

        var error = Assert.Throws<UnknownClassException>(
            () => Trainer.Train(classifier, dataSet, null, null, CancellationToken.None));

        Assert.Equal("up", error.ClassName);
        Assert.False(classifier.IsTrained);
        Assert.Empty(classifier.History);
    }

    [Fact]
    public void UpdateParameters_InvalidValue_ChangesNothing()
    {
        using DlClassifier classifier = images.NewClassifier();

        Assert.Throws<ArgumentOutOfRangeException>(() => classifier.UpdateParameters(p =>
        {
            p.BatchSize = 8;
            p.Momentum = 2;
        }));

        Assert.Equal(4, classifier.Parameters.BatchSize);
    }

    private float[][] Probabilities(DlClassifier classifier) =>
        ImageClassifier.Probabilities(classifier, images.AllPaths, "Testing", NullReporter.Instance,
            CancellationToken.None);
}
