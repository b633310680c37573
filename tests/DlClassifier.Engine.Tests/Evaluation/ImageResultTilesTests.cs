using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Plots;
using DlClassifier.Engine.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace DlClassifier.Engine.Tests.Evaluation;

[Collection("Native")]
public sealed class ImageResultTilesTests : IDisposable
{
    private readonly TemporaryFolder folder = new("tiles");

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("Shirt", "Coat", 0.874, "Shirt → Coat\n(87 %)")]
    [InlineData("a", "b", 0.995, "a → b\n(100 %)")]
    [InlineData("a", "b", 0.005, "a → b\n(1 %)")]
    public void Caption_Verdict_ReadsTrueArrowPredictedOverConfidence(string trueClass, string predicted,
        double confidence, string expected)
    {
        Assert.Equal(expected, ImageResultTiles.Caption(trueClass, predicted, confidence));
    }

    [Fact]
    public void Read_LargeColourImage_IsReducedToAtMost256PixelsKeepingProportionsAndColour()
    {
        string path = TestImages.WriteRgbPng(folder.Combine("wide.png"), 512, 128,
            Enumerable.Repeat(new Rgb24(200, 10, 10), 512 * 128).ToArray());

        var tile = ImageResultTiles.Read(path, "wide");

        // 512 × 128 scaled by 256/512 = 256 × 64, three channels last.
        Assert.Equal((256, 64, 3, "wide"), (tile.Width, tile.Height, tile.Channels, tile.Caption));
        Assert.Equal(256 * 64 * 3, tile.Image.Length);
        Assert.Equal(200 / 255f, tile.Image[0], 1e-6f);
        Assert.Equal(10 / 255f, tile.Image[1], 1e-6f);
    }

    [Fact]
    public void Read_SmallGreyImage_KeepsItsSize()
    {
        string path = TestImages.WriteFlatGreyPng(folder.Combine("grey.png"), 20, 12, 51);

        var tile = ImageResultTiles.Read(path, "grey");

        Assert.Equal((20, 12, 1), (tile.Width, tile.Height, tile.Channels));
        Assert.All(tile.Image, v => Assert.Equal(0.2f, v, 1e-6f));
    }

    [Fact]
    public void Read_MissingFile_ThrowsInvalidDataException()
    {
        Assert.Throws<InvalidDataException>(() => ImageResultTiles.Read(Path.Combine(folder.Path, "no.png"), ""));
    }

    [Fact]
    public void Write_ThreeResultsInTwoColumns_HasTheExpectedPixelSize()
    {
        var tiles = Enumerable.Range(0, 3)
            .Select(i => ImageResultTiles.Read(
                TestImages.WriteFlatGreyPng(folder.Combine($"{i}.png"), 28, 28, (byte)(i * 80)),
                ImageResultTiles.Caption("Pullover", "T-shirt_top", 0.5)))
            .ToArray();
        string output = folder.Combine("tiles.png");

        ImageTile.Write(output, tiles, 2);

        // Cells of 128 + 2·6 = 140 pixels wide and 140 + 2 caption lines · 16 = 172 high; 2 columns, 2 rows.
        IImageInfo info = Image.Identify(output);
        Assert.Equal((280, 344), (info.Width, info.Height));
    }
}
