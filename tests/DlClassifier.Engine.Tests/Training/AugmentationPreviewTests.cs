using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using SixLabors.ImageSharp;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

[Collection("Native")]
public sealed class AugmentationPreviewTests : IClassFixture<SyntheticImageSet>, IDisposable
{
    private readonly SyntheticImageSet images;
    private readonly TemporaryFolder output = new("preview");

    public AugmentationPreviewTests(SyntheticImageSet images)
    {
        this.images = images;
    }

    public void Dispose() => output.Dispose();

    [Fact]
    public void Write_FiveImages_WritesGridOfThreeColumnsAndDescribesEachImage()
    {
        using DlClassifier classifier = images.NewClassifier(Parameters());
        string path = output.Combine("preview.png");

        IReadOnlyList<DlAugmentationSample> samples = AugmentationPreview.Write(classifier, images.DataSet, 5, 7,
            path, CancellationToken.None);

        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, samples.Select(s => s.Index));
        Assert.All(samples, s => Assert.Equal(path, s.PreviewPath));
        Assert.All(samples, s => Assert.Equal(s.Draw.Describe(), s.Distortions));
        string[] training = images.PathsOf(SampleSplit.Training);
        Assert.All(samples, s => Assert.Contains(s.Path, training));
        Assert.Equal(5, samples.Select(s => s.Path).Distinct().Count());
        // Three columns of 128-pixel boxes with 6 pixels of padding on each side.
        var info = Image.Identify(path);
        Assert.Equal(3 * 140, info.Width);
    }

    [Fact]
    public void Write_SameSeed_GivesTheSamePreview()
    {
        using DlClassifier classifier = images.NewClassifier(Parameters());
        string first = output.Combine("first.png");
        string second = output.Combine("second.png");

        IReadOnlyList<DlAugmentationSample> a = AugmentationPreview.Write(classifier, images.DataSet, 6, 3, first,
            CancellationToken.None);
        IReadOnlyList<DlAugmentationSample> b = AugmentationPreview.Write(classifier, images.DataSet, 6, 3, second,
            CancellationToken.None);

        Assert.Equal(a.Select(s => (s.Path, s.Draw)), b.Select(s => (s.Path, s.Draw)));
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void Write_MoreImagesThanTrainingHas_ShowsThemAgainWithOtherChanges()
    {
        using DlClassifier classifier = images.NewClassifier(Parameters());

        IReadOnlyList<DlAugmentationSample> samples = AugmentationPreview.Write(classifier, images.DataSet, 30, 1,
            output.Combine("many.png"), CancellationToken.None);

        Assert.Equal(30, samples.Count);
        Assert.Equal(images.DataSet.TrainingCount, samples.Select(s => s.Path).Distinct().Count());
        Assert.Equal(samples.Take(12).Select(s => s.Path), samples.Skip(12).Take(12).Select(s => s.Path));
        Assert.NotEqual(samples.Take(12).Select(s => s.Draw), samples.Skip(12).Take(12).Select(s => s.Draw));
    }

    [Fact]
    public void Write_UnsplitDataSet_TakesAnyImage()
    {
        using DlClassifier classifier = images.NewClassifier(Parameters());
        var unsplit = new DlDataSet(images.DataSet.ClassNames,
            images.DataSet.Samples.Select(s => s.WithSplit(SampleSplit.None)).ToArray());

        IReadOnlyList<DlAugmentationSample> samples = AugmentationPreview.Write(classifier, unsplit, 24, 1,
            output.Combine("all.png"), CancellationToken.None);

        Assert.Equal(24, samples.Select(s => s.Path).Distinct().Count());
    }

    [Fact]
    public void Write_EmptyDataSet_ThrowsInvalidOperation()
    {
        using DlClassifier classifier = images.NewClassifier(Parameters());
        var empty = new DlDataSet(images.DataSet.ClassNames, Array.Empty<DlSample>());

        Assert.Throws<InvalidOperationException>(() => AugmentationPreview.Write(classifier, empty, 4, 1,
            output.Combine("none.png"), CancellationToken.None));
    }

    [Theory]
    [InlineData(new string[0], "unchanged")]
    [InlineData(new[] { "flip H" }, "flip H")]
    [InlineData(new[] { "flip H", "turn 90°", "bright +12" }, "flip H, turn 90°\nbright +12")]
    [InlineData(new[] { "crop 22×20@3,1", "rot -7.3°", "shift -2,0" }, "crop 22×20@3,1\nrot -7.3°, shift -2,0")]
    public void CaptionOf_Distortions_FillsLinesOfAtMostTwentyTwoCharacters(string[] distortions, string caption)
    {
        Assert.Equal(caption, AugmentationPreview.CaptionOf(distortions));
    }

    private static DlClassifierParam Parameters()
    {
        DlClassifierParam parameters = SyntheticImageSet.QuickParameters();
        parameters.Augmentation = Augmentation.Shift | Augmentation.Rotate90;
        parameters.ShiftFraction = 0.2;
        parameters.AugmentationPercentage = 75;
        parameters.BrightnessVariation = 40;
        parameters.CropPercentage = 80;
        return parameters;
    }
}
