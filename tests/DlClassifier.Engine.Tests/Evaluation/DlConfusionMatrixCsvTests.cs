using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Tests.Support;
using Xunit;

namespace DlClassifier.Engine.Tests.Evaluation;

public sealed class DlConfusionMatrixCsvTests
{
    private static readonly long[][] Counts = { new long[] { 3, 1 }, new long[] { 0, 4 } };

    [Fact]
    public void ToCsv_Counts_HasTrueClassColumnThenOneColumnPerPredictedClass()
    {
        var matrix = new DlConfusionMatrix(new[] { "cat", "dog" }, Counts, relative: false);

        Assert.Equal("TrueClass,cat,dog\r\ncat,3,1\r\ndog,0,4\r\n", matrix.ToCsv());
    }

    [Fact]
    public void ToCsv_Relative_WritesRowFractionsWithAPoint()
    {
        var matrix = new DlConfusionMatrix(new[] { "cat", "dog" }, Counts, relative: true);

        // Row cat: 3/4, 1/4; row dog: 0/4, 4/4.
        Assert.Equal("TrueClass,cat,dog\r\ncat,0.75,0.25\r\ndog,0,1\r\n", matrix.ToCsv());
    }

    [Fact]
    public void ToCsv_NamesWithCommaQuoteOrEdgeSpace_AreQuoted()
    {
        var matrix = new DlConfusionMatrix(new[] { "a,b", "say \"hi\"", " c" },
            new[] { new long[] { 1, 0, 0 }, new long[] { 0, 1, 0 }, new long[] { 0, 0, 1 } }, relative: false);

        string[] lines = matrix.ToCsv().Split("\r\n");

        Assert.Equal("TrueClass,\"a,b\",\"say \"\"hi\"\"\",\" c\"", lines[0]);
        Assert.Equal("\"a,b\",1,0,0", lines[1]);
    }

    [Fact]
    public void WriteCsv_NewFolder_CreatesItAndWritesTheText()
    {
        using var folder = new TemporaryFolder("csv");
        string path = Path.Combine(folder.Path, "deep", "confusion.csv");
        var matrix = new DlConfusionMatrix(new[] { "cat", "dog" }, Counts, relative: false);

        matrix.WriteCsv(path);

        Assert.Equal(matrix.ToCsv(), File.ReadAllText(path));
    }
}
