using DlClassifier.Engine.Evaluation;
using Xunit;

namespace DlClassifier.Engine.Tests.Evaluation;

public sealed class DlConfusionMatrixTests
{
    private static readonly string[] ClassNames = { "apple", "banana", "cherry" };

    //            apple banana cherry | row sum
    //   apple      0     3      1    |  4
    //   banana     3     0      0    |  3
    //   cherry     0     2     10    | 12
    private static readonly long[][] Counts =
    {
        new long[] { 0, 3, 1 },
        new long[] { 3, 0, 0 },
        new long[] { 0, 2, 10 },
    };

    [Fact]
    public void Values_Relative_AreRowFractionsThatSumToOne()
    {
        var matrix = new DlConfusionMatrix(ClassNames, Counts, relative: true);

        Assert.Equal(new[] { 0, 0.75, 0.25 }, matrix.Values[0]);
        Assert.Equal(new[] { 1.0, 0, 0 }, matrix.Values[1]);
        Assert.Equal(new[] { 0, 2.0 / 12, 10.0 / 12 }, matrix.Values[2]);
        Assert.All(matrix.Values, row => Assert.Equal(1.0, row.Sum(), 1e-12));
        Assert.True(matrix.IsRelative);
    }

    [Fact]
    public void Values_Absolute_AreTheCounts()
    {
        var matrix = new DlConfusionMatrix(ClassNames, Counts, relative: false);

        Assert.Equal(Counts.Select(row => row.Select(c => (double)c)), matrix.Values);
        Assert.False(matrix.IsRelative);
    }

    [Fact]
    public void Values_RelativeWithEmptyRow_AreZeroNotNaN()
    {
        long[][] counts = { new long[] { 2, 1 }, new long[] { 0, 0 } };

        var matrix = new DlConfusionMatrix(new[] { "a", "b" }, counts, relative: true);

        Assert.Equal(new[] { 0.0, 0.0 }, matrix.Values[1]);
        Assert.DoesNotContain(matrix.Values.SelectMany(r => r), double.IsNaN);
    }

    [Fact]
    public void MostConfused_OffDiagonalCells_AreOrderedByCountThenFraction()
    {
        var matrix = new DlConfusionMatrix(ClassNames, Counts, relative: false);

        // banana→apple and apple→banana both have 3 images; banana→apple is 3/3 of its row, apple→banana 3/4.
        Assert.Equal(
            new[] { ("banana", "apple", 3L, 1.0), ("apple", "banana", 3L, 0.75), ("cherry", "banana", 2L, 2.0 / 12),
                ("apple", "cherry", 1L, 0.25) },
            matrix.MostConfused.Select(p => (p.TrueClass, p.PredictedClass, p.Count, p.Fraction)));
    }

    [Fact]
    public void MostConfused_TiedCountAndFraction_AreOrderedByTrueClassName()
    {
        long[][] counts = { new long[] { 1, 0, 1 }, new long[] { 0, 1, 1 }, new long[] { 1, 0, 1 } };

        var matrix = new DlConfusionMatrix(new[] { "c", "b", "a" }, counts, relative: false);

        Assert.Equal(new[] { ("a", "c"), ("b", "a"), ("c", "a") },
            matrix.MostConfused.Select(p => (p.TrueClass, p.PredictedClass)));
    }

    [Fact]
    public void MostConfused_PerfectMatrix_IsEmpty()
    {
        long[][] counts = { new long[] { 4, 0 }, new long[] { 0, 5 } };

        Assert.Empty(new DlConfusionMatrix(new[] { "a", "b" }, counts, relative: true).MostConfused);
    }

    [Fact]
    public void ToTable_Counts_HoldsClassNamesAndCountsRowByRow()
    {
        string table = new DlConfusionMatrix(ClassNames, Counts, relative: false).ToTable();

        string[] lines = table.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("True \\ Predicted", lines[0]);
        Assert.All(ClassNames, name => Assert.Contains(name, lines[0]));
        Assert.Equal(new[] { "apple", "0", "3", "1" }, lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new[] { "cherry", "0", "2", "10" }, lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void ToTable_Relative_ShowsPercentages()
    {
        var matrix = new DlConfusionMatrix(new[] { "a", "b" }, new[] { new long[] { 1, 3 }, new long[] { 0, 0 } },
            relative: true);

        string table = matrix.ToTable();

        Assert.Contains(0.75.ToString("P1"), table);
        Assert.Contains(0.25.ToString("P1"), table);
        Assert.Equal(table, matrix.ToString());
    }
}
