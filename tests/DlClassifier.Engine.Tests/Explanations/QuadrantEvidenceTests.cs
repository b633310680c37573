using DlClassifier.Engine.Data;
using DlClassifier.Engine.Explanations;
using DlClassifier.Engine.Tests.Support;
using Xunit;

namespace DlClassifier.Engine.Tests.Explanations;

/// <summary>Both heat map methods point at the quadrant that carries the class evidence.</summary>
[Collection("Native")]
public sealed class QuadrantEvidenceTests : IClassFixture<QuadrantImageSet>
{
    private readonly QuadrantImageSet set;

    public QuadrantEvidenceTests(QuadrantImageSet set)
    {
        this.set = set;
    }

    [Theory]
    [InlineData(HeatmapMethod.GradCam, "topleft", 0)]
    [InlineData(HeatmapMethod.GradCam, "bottomright", 3)]
    [InlineData(HeatmapMethod.Occlusion, "topleft", 0)]
    [InlineData(HeatmapMethod.Occlusion, "bottomright", 3)]
    public void Explain_ImageOfClass_IsHottestInTheEvidenceQuadrant(HeatmapMethod method, string className,
        int evidenceQuadrant)
    {
        foreach (string path in set.PathsOf(className, 3))
        {
            DlHeatmap heatmap = HeatmapExplainer.Explain(set.Classifier, path, className, null, method);

            double[] means = QuadrantImageSet.QuadrantMeans(heatmap.Values);
            Assert.Equal(method, heatmap.Method);
            Assert.False(heatmap.IsUniform);
            for (int quadrant = 0; quadrant < 4; quadrant++)
            {
                if (quadrant != evidenceQuadrant)
                {
                    Assert.True(means[evidenceQuadrant] > means[quadrant],
                        $"{Path.GetFileName(path)}: quadrant means " +
                        string.Join(", ", means.Select(m => m.ToString("F3"))));
                }
            }
        }
    }

    [Fact]
    public void Classifier_AfterTraining_TellsTheQuadrantsApart()
    {
        // A precondition of the tests above: a classifier that had not learnt the evidence would prove nothing.
        foreach (string className in new[] { "topleft", "bottomright" })
        {
            foreach (string path in set.PathsOf(className, 3))
            {
                Assert.Equal(className, HeatmapExplainer.Explain(set.Classifier, path, null, null).PredictedClass);
            }
        }
    }

    [Theory]
    [InlineData(HeatmapMethod.GradCam)]
    [InlineData(HeatmapMethod.Occlusion)]
    public void Explain_ImageOfOneGreyLevel_IsUniformAllZeroAndFinite(HeatmapMethod method)
    {
        using var folder = new TemporaryFolder("uniform");
        string path = TestImages.WriteFlatGreyPng(Path.Combine(folder.Path, "flat.png"), 32, 32, 90);

        DlHeatmap heatmap = HeatmapExplainer.Explain(set.Classifier, path, "topleft", null, method);

        Assert.True(heatmap.IsUniform);
        Assert.All(heatmap.Values, v => Assert.Equal(0f, v));
        Assert.True(double.IsFinite(heatmap.Confidence));
    }

    [Fact]
    public void Occlusion_WindowAndStride_GivesMapScaledToOne()
    {
        float[] image = ImageReader.ReadPlanar(set.PathsOf("topleft", 1)[0], 32, 32, 1);

        (float[] values, float[] probabilities, int target) =
            Occlusion.Compute(set.Classifier, image, -1, 5, 3, CancellationToken.None);

        Assert.Equal(32 * 32, values.Length);
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1f, values.Max());
        Assert.Equal(Array.IndexOf(probabilities, probabilities.Max()), target);
    }

    [Theory]
    // Side 32, window 8, stride 4: 0, 4, … 24 reach the edge exactly.
    [InlineData(32, 8, 4, new[] { 0, 4, 8, 12, 16, 20, 24 })]
    // Side 10, window 4, stride 4: 0 and 4 leave pixels 8 and 9 uncovered, so a window flush with the edge is added.
    [InlineData(10, 4, 4, new[] { 0, 4, 6 })]
    [InlineData(5, 5, 2, new[] { 0 })]
    public void Starts_SideWindowStride_CoversEveryPixel(int side, int window, int stride, int[] expected)
    {
        Assert.Equal(expected, Occlusion.Starts(side, window, stride));
    }

    [Theory]
    [InlineData(32, 32, 8, 4)]
    [InlineData(224, 224, 56, 28)]
    [InlineData(28, 28, 7, 4)]
    [InlineData(30, 18, 5, 3)]
    [InlineData(2, 2, 1, 1)]
    public void Defaults_ImageSize_AreAQuarterOfTheShorterSideAndHalfOfThat(int width, int height, int window,
        int stride)
    {
        Assert.Equal(window, Occlusion.DefaultWindowSize(width, height));
        Assert.Equal(stride, Occlusion.DefaultStride(window));
    }
}
