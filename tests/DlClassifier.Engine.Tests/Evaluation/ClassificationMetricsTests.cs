using DlClassifier.Engine.Evaluation;
using Xunit;

namespace DlClassifier.Engine.Tests.Evaluation;

public sealed class ClassificationMetricsTests
{
    private const double Tolerance = 1e-12;

    private static readonly string[] ClassNames = { "ant", "bee", "cat" };

    // Rows are true classes, columns predicted classes.
    //          ant bee cat | row sum (support)
    //   ant     5   2   1  |  8
    //   bee     1   6   3  | 10
    //   cat     0   2   4  |  6
    //   column   6  10   8 | 24 images, 5 + 6 + 4 = 15 correct
    private static readonly long[][] Counts =
    {
        new long[] { 5, 2, 1 },
        new long[] { 1, 6, 3 },
        new long[] { 0, 2, 4 },
    };

    [Fact]
    public void PerClass_ThreeClassMatrix_GivesHandComputedPrecisionRecallAndSupport()
    {
        DlClassMetrics[] metrics = ClassificationMetrics.PerClass(ClassNames, Counts);

        // Precision = diagonal / column sum: 5/6, 6/10, 4/8. Recall = diagonal / row sum: 5/8, 6/10, 4/6.
        Assert.Equal(new[] { "ant", "bee", "cat" }, metrics.Select(m => m.ClassName));
        Assert.Equal(new double?[] { 5.0 / 6, 6.0 / 10, 4.0 / 8 }, metrics.Select(m => m.Precision));
        Assert.Equal(new double?[] { 5.0 / 8, 6.0 / 10, 4.0 / 6 }, metrics.Select(m => m.Recall));
        Assert.Equal(new long[] { 8, 10, 6 }, metrics.Select(m => m.Support));
    }

    [Fact]
    public void PerClass_ThreeClassMatrix_GivesHarmonicMeanAsFScore()
    {
        DlClassMetrics[] metrics = ClassificationMetrics.PerClass(ClassNames, Counts);

        // ant: 2·(5/6)(5/8) / (5/6 + 5/8) = (50/48) / (35/24) = 5/7
        // bee: 2·0.6·0.6 / 1.2 = 0.6
        // cat: 2·(1/2)(2/3) / (1/2 + 2/3) = (2/3) / (7/6) = 4/7
        Assert.Equal(5.0 / 7, metrics[0].FScore!.Value, Tolerance);
        Assert.Equal(0.6, metrics[1].FScore!.Value, Tolerance);
        Assert.Equal(4.0 / 7, metrics[2].FScore!.Value, Tolerance);
    }

    [Fact]
    public void TopOneError_ThreeClassMatrix_IsOffDiagonalFraction()
    {
        // 24 − 15 = 9 wrong of 24.
        Assert.Equal(9.0 / 24, ClassificationMetrics.TopOneError(Counts));
    }

    [Fact]
    public void TopOneError_EmptyMatrix_IsZero()
    {
        Assert.Equal(0, ClassificationMetrics.TopOneError(new[] { new long[2], new long[2] }));
    }

    [Fact]
    public void PerClass_ClassWithNoImagesButPredicted_HasNullRecallAndZeroPrecision()
    {
        long[][] counts = { new long[] { 3, 1 }, new long[] { 0, 0 } };

        DlClassMetrics[] metrics = ClassificationMetrics.PerClass(new[] { "a", "b" }, counts);

        Assert.Null(metrics[1].Recall);
        Assert.Equal(0.0, metrics[1].Precision);
        Assert.Null(metrics[1].FScore);
        Assert.Equal(0, metrics[1].Support);
    }

    [Fact]
    public void PerClass_ClassNeverRightButPresentAndPredicted_HasZeroFScore()
    {
        long[][] counts = { new long[] { 0, 2 }, new long[] { 2, 0 } };

        DlClassMetrics[] metrics = ClassificationMetrics.PerClass(new[] { "a", "b" }, counts);

        Assert.Equal(new double?[] { 0, 0 }, metrics.Select(m => m.FScore));
    }

    [Theory]
    [InlineData(new double[] { 0.5, 0.25 }, 0.375)]
    [InlineData(new double[] { 1 }, 1)]
    [InlineData(new double[] { 0.25, 0.5, 0.75, 1 }, 0.625)]
    public void MacroAverage_DefinedValues_IsTheirMean(double[] values, double expected)
    {
        Assert.Equal(expected, ClassificationMetrics.MacroAverage(values.Select(v => (double?)v)));
    }

    [Fact]
    public void MacroAverage_NullValues_AreLeftOut()
    {
        Assert.Equal(0.5, ClassificationMetrics.MacroAverage(new double?[] { null, 0.25, null, 0.75 }));
        Assert.Null(ClassificationMetrics.MacroAverage(new double?[] { null, null }));
        Assert.Null(ClassificationMetrics.MacroAverage(Array.Empty<double?>()));
    }
}
