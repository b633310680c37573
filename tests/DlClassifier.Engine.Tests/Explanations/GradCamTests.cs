using DlClassifier.Engine.Data;
using DlClassifier.Engine.Explanations;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using SixLabors.ImageSharp;
using Xunit;

namespace DlClassifier.Engine.Tests.Explanations;

[Collection("Native")]
public sealed class GradCamTests : IClassFixture<TrainedClassifierFixture>, IDisposable
{
    private readonly TrainedClassifierFixture trained;
    private readonly TemporaryFolder folder = new("gradcam");

    public GradCamTests(TrainedClassifierFixture trained)
    {
        this.trained = trained;
    }

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void Compute_TrainingImage_GivesFiniteMapScaledToOne(int target)
    {
        DlClassifier classifier = trained.Classifier;
        float[] image = ImageReader.ReadPlanar(trained.Images.AllPaths[0], 16, 16, 1);

        (float[] values, float[] probabilities, int explained) = GradCam.Compute(classifier, image, target);

        Assert.Equal(16 * 16, values.Length);
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.True(values.Max() == 1f || values.All(v => v == 0f), $"Largest value {values.Max()}");
        Assert.Equal(1f, probabilities.Sum(), 1e-5f);
        Assert.Equal(target < 0 ? Array.IndexOf(probabilities, probabilities.Max()) : target, explained);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(1f)]
    public void Compute_ConstantImage_GivesFiniteValues(float level)
    {
        float[] image = Enumerable.Repeat(level, 16 * 16).ToArray();

        (float[] values, _, _) = GradCam.Compute(trained.Classifier, image, -1);

        Assert.Equal(16 * 16, values.Length);
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Compute_Untrained_GivesFiniteValues()
    {
        using DlClassifier classifier = trained.Images.NewClassifier();
        float[] image = ImageReader.ReadPlanar(trained.Images.AllPaths[0], 16, 16, 1);

        (float[] values, _, _) = GradCam.Compute(classifier, image, -1);

        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Compute_AnyImage_LeavesNoGradientOnTheWeights()
    {
        float[] image = ImageReader.ReadPlanar(trained.Images.AllPaths[0], 16, 16, 1);

        GradCam.Compute(trained.Classifier, image, 1);

        Assert.All(trained.Classifier.Network.parameters(),
            p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));
    }

    [Fact]
    public void Explain_WithOutputPath_WritesOverlayPng()
    {
        string output = Path.Combine(folder.Path, "maps", "heat.png");
        string path = trained.Images.AllPaths[0];

        DlHeatmap heatmap = GradCam.Explain(trained.Classifier, path, null, output);

        // A 16-pixel side is enlarged 14 times to reach 224; two panels with an 8-pixel gap.
        IImageInfo info = Image.Identify(output);
        Assert.Equal((2 * 224 + 8, 224), (info.Width, info.Height));
        Assert.Equal((path, output, 16, 16), (heatmap.Path, heatmap.OutputPath, heatmap.Width, heatmap.Height));
        Assert.Equal(heatmap.PredictedClass, heatmap.TargetClass);
        Assert.Equal(16 * 16, heatmap.Values.Length);
        Assert.InRange(heatmap.Confidence, 0.5, 1);
    }

    [Fact]
    public void Explain_WithoutOutputPath_WritesNothing()
    {
        DlHeatmap heatmap = GradCam.Explain(trained.Classifier, trained.Images.AllPaths[0], "right", null);

        Assert.Null(heatmap.OutputPath);
        Assert.Equal("right", heatmap.TargetClass);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Explain_ColourClassifier_WritesOverlayPng()
    {
        using DlClassifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn,
            new[] { "a", "b", "c" }, 12, 12, 3, new DlClassifierParam { Device = "cpu" });
        string path = TestImages.WriteRgbPng(Path.Combine(folder.Path, "colour.png"), 12, 12,
            Enumerable.Range(0, 144).Select(i => new SixLabors.ImageSharp.PixelFormats.Rgb24(
                (byte)(i * 3), (byte)(255 - i), (byte)(i % 12 * 20))).ToArray());
        string output = Path.Combine(folder.Path, "colour-heat.png");

        DlHeatmap heatmap = GradCam.Explain(classifier, path, "c", output);

        // A 12-pixel side is enlarged 19 times to reach 228; two panels with an 8-pixel gap.
        IImageInfo info = Image.Identify(output);
        Assert.Equal((2 * 228 + 8, 228), (info.Width, info.Height));
        Assert.Equal(("c", 144), (heatmap.TargetClass, heatmap.Values.Length));
        Assert.All(heatmap.Values, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Explain_UnknownTargetClass_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(
            () => GradCam.Explain(trained.Classifier, trained.Images.AllPaths[0], "middle", null));

        Assert.Equal("targetClass", error.ParamName);
        Assert.Contains("'middle'", error.Message);
    }

    [Fact]
    public void Explain_ConstantImageFile_IsFiniteAndUniformOnlyWhenAllZero()
    {
        string path = TestImages.WriteFlatGreyPng(Path.Combine(folder.Path, "flat.png"), 16, 16, 128);

        DlHeatmap heatmap = GradCam.Explain(trained.Classifier, path, null, null);

        Assert.All(heatmap.Values, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(heatmap.Values.All(v => v == 0), heatmap.IsUniform);
    }

    [Fact]
    public void ToInterleaved_ThreeChannels_PutsChannelsLast()
    {
        // Planes R = (1, 2), G = (3, 4), B = (5, 6) → pixels (1, 3, 5), (2, 4, 6).
        Assert.Equal(new float[] { 1, 3, 5, 2, 4, 6 }, GradCam.ToInterleaved(new float[] { 1, 2, 3, 4, 5, 6 }, 3));
    }

    [Fact]
    public void ToInterleaved_OneChannel_IsUnchanged()
    {
        Assert.Equal(new float[] { 1, 2, 3 }, GradCam.ToInterleaved(new float[] { 1, 2, 3 }, 1));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Explain_OnePixelFeatureMap_IsUniform(string targetClass)
    {
        // ResNet-18 halves a 32-pixel side five times, so its last feature map is a single pixel: the map
        // cannot say where the network looked, whatever the class.
        using DlClassifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.ResNet18,
            new[] { "a", "b" }, 32, 32, 1, new DlClassifierParam { Device = "cpu", Seed = 3 });
        string path = TestImages.WriteGreyPng(Path.Combine(folder.Path, "ramp.png"), 32, 32,
            Enumerable.Range(0, 32 * 32).Select(i => (byte)(i % 32 * 8)).ToArray());

        DlHeatmap heatmap = GradCam.Explain(classifier, path, targetClass, null);

        Assert.True(heatmap.IsUniform, $"Values from {heatmap.Values.Min()} to {heatmap.Values.Max()}.");
        Assert.All(heatmap.Values, v => Assert.Equal(0f, v));
    }
}
