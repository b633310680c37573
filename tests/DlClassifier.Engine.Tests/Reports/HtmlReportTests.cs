using System.Text.RegularExpressions;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Reports;
using DlClassifier.Engine.Tests.Support;
using Xunit;

namespace DlClassifier.Engine.Tests.Reports;

[Collection("Native")]
public sealed class HtmlReportTests : IClassFixture<TrainedClassifierFixture>, IDisposable
{
    private readonly TrainedClassifierFixture trained;
    private readonly TemporaryFolder folder = new("report");

    public HtmlReportTests(TrainedClassifierFixture trained)
    {
        this.trained = trained;
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Write_Validation_HasEverySectionAndOnlyEmbeddedImages()
    {
        string path = folder.Combine("report.html");

        DlEvaluation evaluation = HtmlReport.Write(trained.Classifier, trained.Images.DataSet, SampleSplit.Validation,
            path, HtmlReport.DefaultHardestCount, null, CancellationToken.None);
        string html = File.ReadAllText(path);

        Assert.Equal(6, evaluation.ImageCount);
        Assert.All(HtmlReport.SectionIds, id => Assert.Contains($"<section id=\"{id}\">", html));
        string[] sources = Regex.Matches(html, "<img src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.True(sources.Length >= 3, $"{sources.Length} images");
        Assert.All(sources, source => Assert.StartsWith("data:image/png;base64,", source));
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http", html);
    }

    [Fact]
    public void Write_Success_LeavesNoTemporaryPictures()
    {
        string[] before = Directory.GetDirectories(Path.GetTempPath(), "dl-report-*");

        HtmlReport.Write(trained.Classifier, trained.Images.DataSet, SampleSplit.Test, folder.Combine("r.html"), 2,
            null, CancellationToken.None);

        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "dl-report-*"));
    }
}
