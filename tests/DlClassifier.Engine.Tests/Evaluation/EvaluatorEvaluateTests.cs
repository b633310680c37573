using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Evaluation;

[Collection("Native")]
public sealed class EvaluatorEvaluateTests : IClassFixture<TrainedClassifierFixture>
{
    private readonly TrainedClassifierFixture trained;

    public EvaluatorEvaluateTests(TrainedClassifierFixture trained)
    {
        this.trained = trained;
    }

    [Fact]
    public void Evaluate_TestSplit_SummarisesTheClassifiersProbabilities()
    {
        DlDataSet dataSet = trained.Images.DataSet;
        string[] paths = trained.Images.PathsOf(SampleSplit.Test);
        float[][] probabilities = ImageClassifier.Probabilities(trained.Classifier, paths, "Testing",
            NullReporter.Instance, CancellationToken.None);
        int[] labels = dataSet.InSplit(SampleSplit.Test).Select(s => s.ClassIndex).ToArray();
        DlEvaluation expected = Evaluator.Summarize(dataSet.ClassNames, paths, labels, probabilities, "Test");

        DlEvaluation evaluation = Evaluator.Evaluate(trained.Classifier, dataSet, SampleSplit.Test, null,
            CancellationToken.None);

        Assert.Equal(("Test", 6), (evaluation.Split, evaluation.ImageCount));
        Assert.Equal(expected.TopOneError, evaluation.TopOneError);
        Assert.Equal(expected.LogLoss, evaluation.LogLoss);
        Assert.Equal(expected.ConfusionCounts, evaluation.ConfusionCounts);
        Assert.Equal(paths, evaluation.Images.Select(i => i.Path));
    }

    [Fact]
    public void Evaluate_AllSamples_IsNamedAllAndCoversEveryImage()
    {
        DlEvaluation evaluation = Evaluator.Evaluate(trained.Classifier, trained.Images.DataSet, null, null,
            CancellationToken.None);

        Assert.Equal(("All", 24), (evaluation.Split, evaluation.ImageCount));
        Assert.Equal(new long[] { 12, 12 }, evaluation.PerClass.Select(c => c.Support));
    }

    [Fact]
    public void Evaluate_EmptySplit_ThrowsInvalidOperation()
    {
        DlDataSet unsplit = new(trained.Images.DataSet.ClassNames,
            trained.Images.DataSet.Samples.Select(s => s.WithSplit(SampleSplit.None)).ToArray());

        var error = Assert.Throws<InvalidOperationException>(() => Evaluator.Evaluate(trained.Classifier, unsplit,
            SampleSplit.Validation, null, CancellationToken.None));

        Assert.Contains("validation", error.Message);
    }

    [Fact]
    public void Evaluate_SampleOfUnknownClass_ThrowsUnknownClassNamingIt()
    {
        string path = trained.Images.AllPaths[0];
        var dataSet = new DlDataSet(new[] { "left", "up" },
            new[] { new DlSample(path, "up", 1, SampleSplit.Test) });

        var error = Assert.Throws<UnknownClassException>(() => Evaluator.Evaluate(trained.Classifier, dataSet,
            SampleSplit.Test, null, CancellationToken.None));

        Assert.Equal(("up", path), (error.ClassName, error.Path));
    }

    [Fact]
    public void Evaluate_LabelsByClassName_NotByTheDataSetsClassIndex()
    {
        // The data set lists the classes the other way round; labels must follow the classifier's order.
        DlDataSet original = trained.Images.DataSet;
        var reversed = new DlDataSet(new[] { "right", "left" },
            original.Samples.Select(s => new DlSample(s.Path, s.ClassName, 1 - s.ClassIndex, s.Split)).ToArray());

        DlEvaluation a = Evaluator.Evaluate(trained.Classifier, original, SampleSplit.Test, null, default);
        DlEvaluation b = Evaluator.Evaluate(trained.Classifier, reversed, SampleSplit.Test, null, default);

        Assert.Equal(a.ConfusionCounts, b.ConfusionCounts);
        Assert.Equal(a.TopOneError, b.TopOneError);
    }
}
