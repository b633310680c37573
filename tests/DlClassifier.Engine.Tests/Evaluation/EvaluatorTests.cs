using DlClassifier.Engine.Evaluation;
using Xunit;

namespace DlClassifier.Engine.Tests.Evaluation;

public sealed class EvaluatorTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Summarize_ThreeClassImages_GivesHandComputedMetrics()
    {
        // The images make this confusion matrix (rows true, columns predicted):
        //          ant bee cat | support
        //   ant     5   2   1  |  8
        //   bee     1   6   3  | 10
        //   cat     0   2   4  |  6
        // Every image gives its predicted class 0.5 and the other two 0.25 each.
        (string[] paths, int[] labels, float[][] probabilities) = ImagesFor(new long[][]
        {
            new long[] { 5, 2, 1 },
            new long[] { 1, 6, 3 },
            new long[] { 0, 2, 4 },
        });

        DlEvaluation evaluation = Evaluator.Summarize(new[] { "ant", "bee", "cat" }, paths, labels, probabilities,
            "Validation");

        Assert.Equal("Validation", evaluation.Split);
        Assert.Equal(24, evaluation.ImageCount);
        // 9 of 24 off the diagonal.
        Assert.Equal(9.0 / 24, evaluation.TopOneError);
        Assert.Equal(1 - 9.0 / 24, evaluation.Accuracy);
        // Precision 5/6, 3/5, 1/2 → (25 + 18 + 15)/30 / 3 = 29/45.
        Assert.Equal(29.0 / 45, evaluation.MacroPrecision!.Value, Tolerance);
        // Recall 5/8, 3/5, 2/3 → (75 + 72 + 80)/120 / 3 = 227/360; balanced accuracy is the same mean.
        Assert.Equal(227.0 / 360, evaluation.MacroRecall!.Value, Tolerance);
        Assert.Equal(227.0 / 360, evaluation.BalancedAccuracy!.Value, Tolerance);
        // F 5/7, 3/5, 4/7 → (9/7 + 3/5) / 3 = (45 + 21)/35 / 3 = 22/35.
        Assert.Equal(22.0 / 35, evaluation.MacroFScore!.Value, Tolerance);
        Assert.Equal(new long[] { 8, 10, 6 }, evaluation.PerClass.Select(c => c.Support));
        Assert.Equal(new[] { new long[] { 5, 2, 1 }, new long[] { 1, 6, 3 }, new long[] { 0, 2, 4 } },
            evaluation.ConfusionCounts);
        // 15 right images lose −ln 0.5 and 9 wrong ones −ln 0.25 = 2·ln 2: (15 + 18)·ln 2 / 24.
        Assert.Equal(33 * Math.Log(2) / 24, evaluation.LogLoss, Tolerance);
    }

    [Fact]
    public void Summarize_ClassWithoutImages_HasNullRecallAndIsLeftOutOfMacroRecall()
    {
        // Rows true, columns predicted; nothing is truly "c", but one "a" is taken for "c".
        //        a  b  c
        //   a    3  0  1     recall a = 3/4
        //   b    1  1  0     recall b = 1/2
        //   c    0  0  0     recall c undefined
        (string[] paths, int[] labels, float[][] probabilities) = ImagesFor(new long[][]
        {
            new long[] { 3, 0, 1 },
            new long[] { 1, 1, 0 },
            new long[] { 0, 0, 0 },
        });

        DlEvaluation evaluation = Evaluator.Summarize(new[] { "a", "b", "c" }, paths, labels, probabilities, "Test");

        Assert.Null(evaluation.PerClass[2].Recall);
        Assert.Null(evaluation.PerClass[2].FScore);
        Assert.Equal(0.0, evaluation.PerClass[2].Precision);
        // (3/4 + 1/2) / 2 = 5/8, not (3/4 + 1/2 + 0) / 3.
        Assert.Equal(0.625, evaluation.MacroRecall);
        Assert.Equal(0.625, evaluation.BalancedAccuracy);
        // Precision 3/4, 1/1, 0/1 → 7/12; all three are defined.
        Assert.Equal(7.0 / 12, evaluation.MacroPrecision!.Value, Tolerance);
    }

    [Fact]
    public void Summarize_NeverPredictedClass_HasNullPrecisionZeroFScoreAndIsLeftOutOfMacroPrecision()
    {
        //        a  b  c
        //   a    2  0  0     precision a = 2/3
        //   b    1  1  0     precision b = 1/2
        //   c    0  1  0     precision c undefined (column empty); recall c = 0
        (string[] paths, int[] labels, float[][] probabilities) = ImagesFor(new long[][]
        {
            new long[] { 2, 0, 0 },
            new long[] { 1, 1, 0 },
            new long[] { 0, 1, 0 },
        });

        DlEvaluation evaluation = Evaluator.Summarize(new[] { "a", "b", "c" }, paths, labels, probabilities, "Test");

        Assert.Null(evaluation.PerClass[2].Precision);
        Assert.Equal(0.0, evaluation.PerClass[2].FScore);
        Assert.Equal(0.0, evaluation.PerClass[2].Recall);
        // F a = 2·(2/3)·1/(2/3 + 1) = 4/5, F b = 1/2, F c = 0 → (4/5 + 1/2 + 0) / 3 = 13/30.
        Assert.Equal(13.0 / 30, evaluation.MacroFScore!.Value, Tolerance);
        // (2/3 + 1/2) / 2 = 7/12.
        Assert.Equal(7.0 / 12, evaluation.MacroPrecision!.Value, Tolerance);
        // Recall 1, 1/2, 0 → 1/2.
        Assert.Equal(0.5, evaluation.MacroRecall!.Value, Tolerance);
    }

    [Fact]
    public void Summarize_GivenProbabilities_LogLossIsMeanNegativeLogOfTrueClass()
    {
        float[][] probabilities = { new[] { 0.5f, 0.5f }, new[] { 0.25f, 0.75f }, new[] { 0.875f, 0.125f } };
        int[] labels = { 0, 1, 1 };

        DlEvaluation evaluation = Evaluator.Summarize(new[] { "x", "y" }, new[] { "p", "q", "r" }, labels,
            probabilities, "All");

        // −(ln 0.5 + ln 0.75 + ln 0.125) / 3, all three numbers exact in binary.
        Assert.Equal(-(Math.Log(0.5) + Math.Log(0.75) + Math.Log(0.125)) / 3, evaluation.LogLoss, Tolerance);
        Assert.Equal(new[] { -Math.Log(0.5), -Math.Log(0.75), -Math.Log(0.125) },
            evaluation.Images.Select(i => i.Loss));
    }

    [Fact]
    public void Summarize_ZeroProbabilityForTrueClass_GivesFiniteLoss()
    {
        DlEvaluation evaluation = Evaluator.Summarize(new[] { "x", "y" }, new[] { "p" }, new[] { 0 },
            new[] { new[] { 0f, 1f } }, "All");

        Assert.Equal(-Math.Log(1e-12), evaluation.LogLoss);
        Assert.True(double.IsFinite(evaluation.Images[0].Loss));
    }

    [Fact]
    public void Summarize_EachImage_RecordsPredictionConfidenceAndTrueClassProbability()
    {
        DlEvaluation evaluation = Evaluator.Summarize(new[] { "x", "y", "z" }, new[] { "one", "two" }, new[] { 2, 1 },
            new[] { new[] { 0.125f, 0.25f, 0.625f }, new[] { 0.5f, 0.25f, 0.25f } }, "All");

        DlImageResult right = evaluation.Images[0];
        DlImageResult wrong = evaluation.Images[1];
        Assert.Equal(("one", "z", "z", 0.625, 0.625, true),
            (right.Path, right.TrueClass, right.PredictedClass, right.Confidence, right.TrueClassProbability,
                right.IsCorrect));
        Assert.Equal(("two", "y", "x", 0.5, 0.25, false),
            (wrong.Path, wrong.TrueClass, wrong.PredictedClass, wrong.Confidence, wrong.TrueClassProbability,
                wrong.IsCorrect));
    }

    [Theory]
    [InlineData(new float[] { 0.2f, 0.5f, 0.3f }, 1)]
    [InlineData(new float[] { 0.4f, 0.4f, 0.2f }, 0)]
    [InlineData(new float[] { 0.1f, 0.3f, 0.3f }, 1)]
    [InlineData(new float[] { 1f }, 0)]
    public void ArgMax_Values_GivesFirstLargest(float[] values, int expected)
    {
        Assert.Equal(expected, Evaluator.ArgMax(values));
    }

    /// <summary>
    /// Images that produce <paramref name="counts"/>: each gives its predicted class 0.5 and every other class
    /// an equal share of the rest.
    /// </summary>
    private static (string[] Paths, int[] Labels, float[][] Probabilities) ImagesFor(long[][] counts)
    {
        int k = counts.Length;
        var paths = new List<string>();
        var labels = new List<int>();
        var probabilities = new List<float[]>();
        for (int t = 0; t < k; t++)
        {
            for (int p = 0; p < k; p++)
            {
                for (int n = 0; n < counts[t][p]; n++)
                {
                    paths.Add($"/fake/{t}/{p}/{n}.png");
                    labels.Add(t);
                    probabilities.Add(Enumerable.Range(0, k).Select(c => c == p ? 0.5f : 0.5f / (k - 1)).ToArray());
                }
            }
        }
        return (paths.ToArray(), labels.ToArray(), probabilities.ToArray());
    }
}
