using DlClassifier.Engine.Evaluation;
using Xunit;

namespace DlClassifier.Engine.Tests.Evaluation;

public sealed class EvaluatorTopKAndWeightedTests
{
    private const double Tolerance = 1e-12;

    private static readonly string[] FourClasses = { "w", "x", "y", "z" };

    /// <summary>
    /// Five images over four classes; the rank of the true class (0 = most probable) is given per row.
    /// </summary>
    private static readonly (int Label, float[] Probabilities)[] ScoreTable =
    {
        (0, new[] { 0.4f, 0.3f, 0.2f, 0.1f }),   // w first: rank 0
        (1, new[] { 0.4f, 0.3f, 0.2f, 0.1f }),   // x second: rank 1
        (2, new[] { 0.4f, 0.3f, 0.2f, 0.1f }),   // y third: rank 2
        (3, new[] { 0.4f, 0.3f, 0.2f, 0.1f }),   // z last: rank 3
        (1, new[] { 0.25f, 0.25f, 0.25f, 0.25f }), // a four-way tie: x is behind w only, rank 1
    };

    [Theory]
    // Ranks are 0, 1, 2, 3, 1: top-k misses the images whose rank is k or more.
    [InlineData(1, 4.0 / 5)]
    [InlineData(2, 2.0 / 5)]
    [InlineData(3, 1.0 / 5)]
    [InlineData(4, 0.0)]
    public void Summarize_HandBuiltScores_GivesTopKError(int k, double expected)
    {
        DlEvaluation evaluation = SummarizeScoreTable(k);

        Assert.Equal(k, evaluation.TopK);
        Assert.Equal(expected, evaluation.TopKError, Tolerance);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(9, 4)]
    public void Summarize_TopKOutOfRange_IsClampedToTheClassCount(int k, int expected)
    {
        Assert.Equal(expected, SummarizeScoreTable(k).TopK);
    }

    [Fact]
    public void Summarize_TopOne_EqualsTopOneError()
    {
        DlEvaluation evaluation = SummarizeScoreTable(1);

        // Only the first image is right: 4 of 5 wrong either way, ties broken alike.
        Assert.Equal(evaluation.TopOneError, evaluation.TopKError);
    }

    [Fact]
    public void Summarize_DefaultTopK_IsThree()
    {
        DlEvaluation evaluation = Evaluator.Summarize(FourClasses, Paths(ScoreTable.Length),
            ScoreTable.Select(row => row.Label).ToArray(), ScoreTable.Select(row => row.Probabilities).ToArray(),
            "All");

        Assert.Equal(3, evaluation.TopK);
        Assert.Equal(1.0 / 5, evaluation.TopKError, Tolerance);
    }

    [Fact]
    public void Summarize_ThreeClassesOneAbsent_GivesExactMatrixAndFigures()
    {
        // Classes a, b, c; no test image is truly c, but the classifier predicts c twice. Each image gives its
        // predicted class 0.6, the two others 0.2. Rows true, columns predicted:
        //        a  b  c | support
        //   a    4  1  1 |  6
        //   b    2  1  1 |  4
        //   c    0  0  0 |  0
        // column  6  2  2
        // Precision a = 4/6 = 2/3, b = 1/2, c = 0/2 = 0.
        // Recall    a = 4/6 = 2/3, b = 1/4,   c undefined (no image).
        // F a = 2·(2/3)·(2/3)/(4/3) = 2/3; F b = 2·(1/2)·(1/4)/(3/4) = 1/3; F c undefined.
        (int Label, int Predicted, int Count)[] cells =
        {
            (0, 0, 4), (0, 1, 1), (0, 2, 1), (1, 0, 2), (1, 1, 1), (1, 2, 1),
        };
        var labels = new List<int>();
        var probabilities = new List<float[]>();
        foreach ((int label, int predicted, int count) in cells)
        {
            for (int n = 0; n < count; n++)
            {
                labels.Add(label);
                probabilities.Add(Enumerable.Range(0, 3).Select(c => c == predicted ? 0.6f : 0.2f).ToArray());
            }
        }

        DlEvaluation evaluation = Evaluator.Summarize(new[] { "a", "b", "c" }, Paths(labels.Count), labels.ToArray(),
            probabilities.ToArray(), "Test", topK: 2);

        Assert.Equal(new[] { new long[] { 4, 1, 1 }, new long[] { 2, 1, 1 }, new long[] { 0, 0, 0 } },
            evaluation.ConfusionCounts);
        Assert.Equal(new long[] { 6, 4, 0 }, evaluation.PerClass.Select(c => c.Support));
        Assert.Equal(2.0 / 3, evaluation.PerClass[0].Precision!.Value, Tolerance);
        Assert.Equal(0.5, evaluation.PerClass[1].Precision!.Value, Tolerance);
        Assert.Equal(0.0, evaluation.PerClass[2].Precision);
        Assert.Equal(2.0 / 3, evaluation.PerClass[0].Recall!.Value, Tolerance);
        Assert.Equal(0.25, evaluation.PerClass[1].Recall!.Value, Tolerance);
        Assert.Null(evaluation.PerClass[2].Recall);
        Assert.Equal(2.0 / 3, evaluation.PerClass[0].FScore!.Value, Tolerance);
        Assert.Equal(1.0 / 3, evaluation.PerClass[1].FScore!.Value, Tolerance);
        Assert.Null(evaluation.PerClass[2].FScore);
        // 5 of 10 on the diagonal.
        Assert.Equal(0.5, evaluation.TopOneError, Tolerance);
        // Macro precision (2/3 + 1/2 + 0)/3 = 7/18; recall (2/3 + 1/4)/2 = 11/24, c left out; F (2/3 + 1/3)/2 = 1/2.
        Assert.Equal(7.0 / 18, evaluation.MacroPrecision!.Value, Tolerance);
        Assert.Equal(11.0 / 24, evaluation.MacroRecall!.Value, Tolerance);
        Assert.Equal(11.0 / 24, evaluation.BalancedAccuracy!.Value, Tolerance);
        Assert.Equal(0.5, evaluation.MacroFScore!.Value, Tolerance);
        // Weighted by support 6, 4, 0: precision (6·2/3 + 4·1/2)/10 = 6/10; recall (4 + 1)/10 = accuracy 1/2;
        // F (6·2/3 + 4·1/3)/10 = (4 + 4/3)/10 = 8/15.
        Assert.Equal(0.6, evaluation.WeightedPrecision!.Value, Tolerance);
        Assert.Equal(0.5, evaluation.WeightedRecall!.Value, Tolerance);
        Assert.Equal(8.0 / 15, evaluation.WeightedFScore!.Value, Tolerance);
        // Top-2: a wrong image ranks its true class second (0.2, behind 0.6) only when the tie of the two 0.2s
        // goes its way, that is when the true index is lower than the other unpredicted one:
        // true a predicted b (other c): rank 1, hit; true a predicted c (other b): rank 1, hit;
        // true b predicted a (other c): rank 1, hit ×2; true b predicted c (other a): rank 2, miss ×1 → 1/10.
        Assert.Equal(0.1, evaluation.TopKError, Tolerance);
    }

    [Fact]
    public void WeightedAverage_NoDefinedValue_IsNull()
    {
        var classes = new[] { new DlClassMetrics { ClassName = "a", Support = 3 } };

        Assert.Null(ClassificationMetrics.WeightedAverage(classes, c => c.Precision));
    }

    [Fact]
    public void WeightedAverage_UndefinedValue_IsLeftOutWithItsWeight()
    {
        // (2·0.5 + 6·1.0) / (2 + 6) = 7/8; the class with undefined precision and 10 images adds nothing.
        var classes = new[]
        {
            new DlClassMetrics { ClassName = "a", Precision = 0.5, Support = 2 },
            new DlClassMetrics { ClassName = "b", Precision = 1.0, Support = 6 },
            new DlClassMetrics { ClassName = "c", Precision = null, Support = 10 },
        };

        Assert.Equal(7.0 / 8, ClassificationMetrics.WeightedAverage(classes, c => c.Precision)!.Value, Tolerance);
    }

    [Fact]
    public void SuspectedLabelErrors_HandBuiltEvaluation_ListsConfidentContradictionsMostConfidentFirst()
    {
        // Image:      one    two    three  four   five
        // true:       x      x      y      y      y
        // predicted:  y .95  y .85  x .90  y .99  x .97
        // With 0.9: three (.90, on the threshold) and five (.97) are wrong and confident; two is wrong but
        // below; four is confident but right.
        float[][] probabilities =
        {
            new[] { 0.05f, 0.95f }, new[] { 0.15f, 0.85f }, new[] { 0.9f, 0.1f }, new[] { 0.01f, 0.99f },
            new[] { 0.97f, 0.03f },
        };
        DlEvaluation evaluation = Evaluator.Summarize(new[] { "x", "y" },
            new[] { "one", "two", "three", "four", "five" }, new[] { 0, 0, 1, 1, 1 }, probabilities, "All");

        Assert.Equal(new[] { "five", "one", "three" }, evaluation.SuspectedLabelErrors(0.9).Select(i => i.Path));
        Assert.Equal(new[] { "five", "one" }, evaluation.SuspectedLabelErrors(0.95).Select(i => i.Path));
        Assert.Equal(new[] { "five", "one", "three", "two" },
            evaluation.SuspectedLabelErrors(0).Select(i => i.Path));
    }

    private static DlEvaluation SummarizeScoreTable(int k) => Evaluator.Summarize(FourClasses,
        Paths(ScoreTable.Length), ScoreTable.Select(row => row.Label).ToArray(),
        ScoreTable.Select(row => row.Probabilities).ToArray(), "All", k);

    private static string[] Paths(int count) => Enumerable.Range(0, count).Select(i => $"/fake/{i}.png").ToArray();
}
