using DlClassifier.Engine.Plots;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using DlClassifier.Engine.IO;

namespace DlClassifier.Engine.Tests.Plots;

[Collection("Native")]
public sealed class PlotTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "dlplot-tests-" + Guid.NewGuid().ToString("N"));

    public PlotTests()
    {
        Directory.CreateDirectory(folder);
    }

    public void Dispose()
    {
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void TrainingPlot_ThirtyEpochs_WritesPngOfPlotSize()
    {
        var path = Path.Combine(folder, "training.png");

        TrainingPlot.Write(path, Epochs(30));

        AssertPng(path, TrainingPlot.PixelWidth, TrainingPlot.PixelHeight);
    }

    [Fact]
    public void TrainingPlot_SingleEpochWithoutErrors_WritesPng()
    {
        var path = Path.Combine(folder, "single.png");

        TrainingPlot.Write(path, [new TrainingPlotPoint(1, 2.3, null, null, 0.01)]);

        AssertPng(path, TrainingPlot.PixelWidth, TrainingPlot.PixelHeight);
    }

    [Fact]
    public void TrainingPlot_NonFiniteAndMissingValues_WritesPng()
    {
        var path = Path.Combine(folder, "diverged.png");
        TrainingPlotPoint[] points =
        [
            new(2, double.NaN, 0.5, null, 0.1),
            new(1, 2.0, null, 0.6, 0.1),
            new(3, double.PositiveInfinity, 0.9, double.NaN, 0),
        ];

        TrainingPlot.Write(path, points);

        AssertPng(path, TrainingPlot.PixelWidth, TrainingPlot.PixelHeight);
    }

    [Fact]
    public void TrainingPlot_VerticalAxisTitles_AreDrawnAsText()
    {
        var path = Path.Combine(folder, "text.png");

        TrainingPlot.Write(path, Epochs(5));

        // The strip along the left edge holds only the rotated axis titles: blank when no font could be used.
        using var image = Image.Load<Rgb24>(path);
        var darkPixels = CountDarkPixels(image, 0, 25, 0, image.Height);
        Assert.True(darkPixels > 50, $"Only {darkPixels} dark pixels where the axis titles should be.");
    }

    [Fact]
    public void TrainingPlot_MissingFolder_IsCreated()
    {
        var path = Path.Combine(folder, "a", "b", "training.png");

        TrainingPlot.Write(path, Epochs(2));

        AssertPng(path, TrainingPlot.PixelWidth, TrainingPlot.PixelHeight);
    }

    [Fact]
    public void TrainingPlot_RewrittenEachEpoch_LeavesOnlyTheTargetFile()
    {
        var path = Path.Combine(folder, "training.png");

        for (var epoch = 1; epoch <= 3; epoch++)
        {
            TrainingPlot.Write(path, Epochs(epoch));
        }

        Assert.Equal(["training.png"], Directory.GetFiles(folder).Select(Path.GetFileName));
        AssertPng(path, TrainingPlot.PixelWidth, TrainingPlot.PixelHeight);
    }

    [Fact]
    public void TrainingPlot_NoPoints_ThrowsArgumentException()
    {
        var path = Path.Combine(folder, "empty.png");

        Assert.Throws<ArgumentException>(() => TrainingPlot.Write(path, []));
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConfusionMatrixPlot_ClassWithoutSamples_WritesPng(bool relative)
    {
        var path = Path.Combine(folder, $"confusion-{relative}.png");
        long[,] counts = { { 5, 1, 0 }, { 0, 0, 0 }, { 2, 0, 7 } };

        ConfusionMatrixPlot.Write(path, ["cat", "dog", "bird"], counts, relative);

        using var image = Image.Load<Rgb24>(path);
        Assert.True(image.Width > 300 && image.Height > 300, $"Unexpected size {image.Width}×{image.Height}.");
        Assert.Equal(["confusion-" + relative + ".png"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void ConfusionMatrixPlot_RowShares_EmptyRowGivesZerosNotNaN()
    {
        long[,] counts = { { 1, 3 }, { 0, 0 } };

        var shares = ConfusionMatrixPlot.RowShares(counts);

        Assert.Equal(new double[,] { { 0.25, 0.75 }, { 0, 0 } }, shares);
    }

    [Fact]
    public void ConfusionMatrixPlot_ThirtyClasses_IsLargerThanThreeClasses()
    {
        var small = Path.Combine(folder, "small.png");
        var large = Path.Combine(folder, "large.png");
        var names = Enumerable.Range(0, 30).Select(index => $"class {index}").ToArray();
        var counts = new long[30, 30];
        for (var index = 0; index < 30; index++)
        {
            counts[index, index] = 100 + index;
            counts[index, (index + 1) % 30] = index;
        }

        ConfusionMatrixPlot.Write(small, names[..3], new long[3, 3], relative: false);
        ConfusionMatrixPlot.Write(large, names, counts, relative: true);

        using var smallImage = Image.Load<Rgb24>(small);
        using var largeImage = Image.Load<Rgb24>(large);
        Assert.True(largeImage.Width > smallImage.Width && largeImage.Height > smallImage.Height);
        Assert.True(largeImage.Width >= 30 * 36, $"30 classes got only {largeImage.Width} pixels of width.");
    }

    [Fact]
    public void ConfusionMatrixPlot_LongClassName_IsShortenedWithEllipsis()
    {
        var name = new string('x', 40);

        var shortened = ConfusionMatrixPlot.ShortenLabel(name);

        Assert.Equal(ConfusionMatrixPlot.MaximumLabelLength, shortened.Length);
        Assert.EndsWith("…", shortened);
    }

    [Fact]
    public void ConfusionMatrixPlot_CountsNotMatchingClassNames_ThrowsArgumentException()
    {
        var path = Path.Combine(folder, "mismatch.png");

        var error = Assert.Throws<ArgumentException>(
            () => ConfusionMatrixPlot.Write(path, ["a", "b", "c"], new long[2, 2], relative: false));

        Assert.Equal("counts", error.ParamName);
    }

    [Fact]
    public void ConfusionMatrixPlot_NegativeCount_ThrowsArgumentException()
    {
        var path = Path.Combine(folder, "negative.png");

        var error = Assert.Throws<ArgumentException>(
            () => ConfusionMatrixPlot.Write(path, ["a", "b"], new long[,] { { 1, -1 }, { 0, 2 } }, relative: true));

        Assert.Equal("counts", error.ParamName);
    }

    [Theory]
    [InlineData(0.0, 0, 0, 128)]
    [InlineData(0.25, 0, 128, 255)]
    [InlineData(0.5, 128, 255, 128)]
    [InlineData(0.75, 255, 128, 0)]
    [InlineData(1.0, 128, 0, 0)]
    [InlineData(-3.0, 0, 0, 128)]
    [InlineData(7.0, 128, 0, 0)]
    [InlineData(double.NaN, 0, 0, 128)]
    [InlineData(double.PositiveInfinity, 0, 0, 128)]
    public void HeatmapOverlay_ColorMap_GivesJetColours(double value, int red, int green, int blue)
    {
        var colour = HeatmapOverlay.ColorMap(value);

        Assert.Equal(((byte)red, (byte)green, (byte)blue), colour);
    }

    [Fact]
    public void HeatmapOverlay_ColorMap_IsBlueWhenColdAndRedWhenHot()
    {
        var cold = HeatmapOverlay.ColorMap(0);
        var hot = HeatmapOverlay.ColorMap(1);

        Assert.True(cold.B > cold.R && cold.B > cold.G);
        Assert.True(hot.R > hot.G && hot.R > hot.B);
    }

    [Theory]
    [InlineData(28, 28, 8)]
    [InlineData(32, 32, 7)]
    [InlineData(100, 50, 5)]
    [InlineData(224, 300, 1)]
    [InlineData(500, 400, 1)]
    public void HeatmapOverlay_UpscaleFactor_BringsSmallerSideToAtLeast224(int width, int height, int factor)
    {
        Assert.Equal(factor, HeatmapOverlay.UpscaleFactor(width, height));
    }

    [Fact]
    public void HeatmapOverlay_HotTopLeftQuadrant_ColoursOnlyThatQuadrant()
    {
        var path = Path.Combine(folder, "overlay.png");
        var heat = QuadrantHeat(28);

        HeatmapOverlay.Write(path, new float[28 * 28], 28, 28, 1, heat, 28, 28, alpha: 1);

        using var image = LoadPng(path, 2 * 224 + HeatmapOverlay.PanelGap, 224);
        AssertQuadrants(image);
    }

    [Fact]
    public void HeatmapOverlay_SmallerHeatMap_IsResizedOverTheWholeImage()
    {
        var path = Path.Combine(folder, "resized.png");
        var heat = QuadrantHeat(4);

        HeatmapOverlay.Write(path, new float[28 * 28 * 3], 28, 28, 3, heat, 4, 4, alpha: 1);

        using var image = LoadPng(path, 2 * 224 + HeatmapOverlay.PanelGap, 224);
        AssertQuadrants(image);
    }

    [Fact]
    public void HeatmapOverlay_ResizeBilinear_InterpolatesBetweenPixelCentres()
    {
        float[] source = [0, 1, 0, 1];

        var resized = HeatmapOverlay.ResizeBilinear(source, 2, 2, 4, 1);

        Assert.Equal([0f, 0.25f, 0.75f, 1f], resized);
    }

    [Fact]
    public void HeatmapOverlay_ResizeBilinear_SameSizeKeepsValues()
    {
        float[] source = [0.1f, 0.9f, 0.4f, 0.3f, 0.7f, 0.2f];

        var resized = HeatmapOverlay.ResizeBilinear(source, 3, 2, 3, 2);

        Assert.Equal(source, resized);
    }

    [Fact]
    public void HeatmapOverlay_HalfAlpha_BlendsImageAndColourEqually()
    {
        var path = Path.Combine(folder, "blend.png");
        var white = Enumerable.Repeat(1f, 30 * 20).ToArray();

        HeatmapOverlay.Write(path, white, 30, 20, 1, new float[1], 1, 1, alpha: 0.5);

        // White (255) halfway to the cold colour (0, 0, 128), rounded half away from zero.
        using var image = LoadPng(path, 2 * 30 * 12 + HeatmapOverlay.PanelGap, 20 * 12);
        Assert.Equal(new Rgb24(255, 255, 255), image[5, 5]);
        Assert.Equal(new Rgb24(128, 128, 192), image[30 * 12 + HeatmapOverlay.PanelGap + 5, 5]);
    }

    [Fact]
    public void HeatmapOverlay_NonFiniteHeat_IsDrawnCold()
    {
        var path = Path.Combine(folder, "nan.png");
        float[] heat = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.NaN];

        HeatmapOverlay.Write(path, new float[300 * 240], 300, 240, 1, heat, 2, 2, alpha: 1);

        using var image = LoadPng(path, 2 * 300 + HeatmapOverlay.PanelGap, 240);
        var cold = HeatmapOverlay.ColorMap(0);
        var panelLeft = 300 + HeatmapOverlay.PanelGap;
        foreach (var (x, y) in new[] { (0, 0), (299, 0), (150, 120), (0, 239), (299, 239) })
        {
            Assert.Equal(new Rgb24(cold.R, cold.G, cold.B), image[panelLeft + x, y]);
        }
    }

    [Fact]
    public void HeatmapOverlay_HeatLengthNotMatchingSize_ThrowsArgumentException()
    {
        var path = Path.Combine(folder, "bad.png");

        var error = Assert.Throws<ArgumentException>(
            () => HeatmapOverlay.Write(path, new float[16], 4, 4, 1, new float[5], 2, 2));

        Assert.Equal("heat", error.ParamName);
    }

    [Fact]
    public void HeatmapOverlay_TwoChannels_ThrowsArgumentException()
    {
        var path = Path.Combine(folder, "bad.png");

        var error = Assert.Throws<ArgumentException>(
            () => HeatmapOverlay.Write(path, new float[32], 4, 4, 2, new float[4], 2, 2));

        Assert.Equal("image", error.ParamName);
    }

    [Fact]
    public void ImageTile_ElevenTilesInFourColumns_WritesThreeRows()
    {
        var path = Path.Combine(folder, "tile.png");
        var tiles = Enumerable.Range(0, 11)
            .Select(index => (new float[28 * 28], 28, 28, 1, $"true: {index}\npredicted: {index + 1}"))
            .ToArray();

        ImageTile.Write(path, tiles, columns: 4);

        var cellWidth = ImageTile.ImageBox + 2 * ImageTile.Padding;
        var cellHeight = cellWidth + 2 * ImageTile.LineHeight;
        AssertPng(path, 4 * cellWidth, 3 * cellHeight);
    }

    [Fact]
    public void ImageTile_TinyImage_IsEnlargedWithCrispPixels()
    {
        var path = Path.Combine(folder, "crisp.png");
        float[] pixels = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1];

        ImageTile.Write(path, [(pixels, 2, 2, 3, "four pixels")]);

        // A 2×2 image fills the 128-pixel box with 64×64 blocks; a block's edges are as sharp as its centre.
        using var image = Image.Load<Rgb24>(path);
        var origin = ImageTile.Padding;
        Assert.Equal(new Rgb24(255, 0, 0), image[origin, origin]);
        Assert.Equal(new Rgb24(255, 0, 0), image[origin + 63, origin + 63]);
        Assert.Equal(new Rgb24(0, 255, 0), image[origin + 64, origin]);
        Assert.Equal(new Rgb24(0, 0, 255), image[origin, origin + 64]);
        Assert.Equal(new Rgb24(255, 255, 255), image[origin + 127, origin + 127]);
    }

    [Fact]
    public void ImageTile_Caption_IsDrawnUnderTheImage()
    {
        var path = Path.Combine(folder, "caption.png");

        ImageTile.Write(path, [(new float[8 * 8], 8, 8, 1, "a caption")]);

        using var image = Image.Load<Rgb24>(path);
        var darkPixels = CountDarkPixels(
            image, 0, image.Width, ImageTile.Padding + ImageTile.ImageBox, image.Height);
        Assert.True(darkPixels > 20, $"Only {darkPixels} dark pixels where the caption should be.");
    }

    [Theory]
    [InlineData(28, 28, 112, 112)]
    [InlineData(32, 16, 128, 64)]
    [InlineData(256, 128, 128, 64)]
    [InlineData(128, 128, 128, 128)]
    public void ImageTile_FittedSize_FitsTheBox(int width, int height, int fittedWidth, int fittedHeight)
    {
        var fitted = ImageTile.FittedSize(width, height);

        Assert.Equal((fittedWidth, fittedHeight), (fitted.Width, fitted.Height));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PlotFonts_EmbeddedFamily_IsWhatScottPlotResolves(bool bold)
    {
        PlotFonts.EnsureRegistered();

        var typeface = ScottPlot.Fonts.GetTypeface(PlotFonts.Family, bold, italic: false);

        Assert.Equal("DejaVu Sans", typeface.FamilyName);
        Assert.Equal(bold, typeface.IsBold);
        Assert.True(typeface.ContainsGlyphs("Predicted class 0123456789 % … é"));
    }

    [Fact]
    public void AtomicFile_WriterFails_KeepsOldFileAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(folder, "kept.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.WriteByte(9);
            throw new InvalidOperationException("The picture could not be drawn.");
        }));

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["kept.bin"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    private static TrainingPlotPoint[] Epochs(int count)
    {
        return Enumerable.Range(1, count)
            .Select(epoch => new TrainingPlotPoint(
                epoch, 2.0 / epoch, 0.5 / epoch, 0.6 / epoch + 0.05, 0.01 * Math.Pow(0.9, epoch)))
            .ToArray();
    }

    /// <summary>A square heat map that is 1 in its top-left quadrant and 0 elsewhere.</summary>
    private static float[] QuadrantHeat(int side)
    {
        var heat = new float[side * side];
        for (var y = 0; y < side / 2; y++)
        {
            for (var x = 0; x < side / 2; x++)
            {
                heat[y * side + x] = 1;
            }
        }

        return heat;
    }

    /// <summary>
    /// Checks a 224-pixel overlay of a black image under full-strength heat: hot in the middle of the top-left
    /// quadrant of the right panel, cold in the middle of the other three, untouched black on the left.
    /// </summary>
    private static void AssertQuadrants(Image<Rgb24> image)
    {
        var hot = HeatmapOverlay.ColorMap(1);
        var cold = HeatmapOverlay.ColorMap(0);
        var panelLeft = 224 + HeatmapOverlay.PanelGap;

        Assert.Equal(new Rgb24(hot.R, hot.G, hot.B), image[panelLeft + 56, 56]);
        Assert.Equal(new Rgb24(hot.R, hot.G, hot.B), image[panelLeft + 10, 10]);
        Assert.Equal(new Rgb24(cold.R, cold.G, cold.B), image[panelLeft + 168, 56]);
        Assert.Equal(new Rgb24(cold.R, cold.G, cold.B), image[panelLeft + 56, 168]);
        Assert.Equal(new Rgb24(cold.R, cold.G, cold.B), image[panelLeft + 168, 168]);
        Assert.Equal(new Rgb24(0, 0, 0), image[56, 56]);
    }

    private static int CountDarkPixels(Image<Rgb24> image, int left, int right, int top, int bottom)
    {
        var count = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                var pixel = image[x, y];
                count += pixel.R + pixel.G + pixel.B < 384 ? 1 : 0;
            }
        }

        return count;
    }

    private static void AssertPng(string path, int width, int height)
    {
        using var image = LoadPng(path, width, height);
    }

    private static Image<Rgb24> LoadPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"No file at {path}.");
        var format = Image.DetectFormat(path);
        Assert.Equal("PNG", format.Name);
        var image = Image.Load<Rgb24>(path);
        Assert.Equal((width, height), (image.Width, image.Height));
        return image;
    }
}
