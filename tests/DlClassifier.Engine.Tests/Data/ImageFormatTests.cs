using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace DlClassifier.Engine.Tests.Data;

/// <summary>Every accepted format and colour layout, written by an encoder and read back pixel by pixel.</summary>
public sealed class ImageFormatTests : IDisposable
{
    private readonly TemporaryFolder folder = new("formats");

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(PngBitDepth.Bit1, new byte[] { 0, 255, 255, 0 })]
    [InlineData(PngBitDepth.Bit2, new byte[] { 0, 85, 170, 255 })]
    [InlineData(PngBitDepth.Bit4, new byte[] { 0, 17, 136, 255 })]
    [InlineData(PngBitDepth.Bit8, new byte[] { 0, 1, 128, 254 })]
    public void ReadPlanar_GreyPngOfEachDepth_GivesTheStoredGreys(PngBitDepth depth, byte[] greys)
    {
        string path = Write("grey.png", 2, 2, greys.Select(g => new L8(g)).ToArray(),
            new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = depth });

        ImageFacts facts = ImageReader.Inspect(path);
        float[] planar = ImageReader.ReadPlanar(path, 2, 2, 1);

        Assert.Equal((new ImageShape(2, 2, 1), "PNG"), (facts.Shape, facts.Format));
        Assert.Equal(Scaled(greys), planar);
    }

    [Fact]
    public void ReadPlanar_SixteenBitGreyPng_DividesEachValueBy257()
    {
        var values = new ushort[] { 0, 257, 32896, 65535 };
        string path = Write("deep.png", 4, 1, values.Select(v => new L16(v)).ToArray(),
            new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 });

        float[] planar = ImageReader.ReadPlanar(path, 4, 1, 1);

        Assert.Equal(Scaled(0, 1, 128, 255), planar);
    }

    [Fact]
    public void ReadPlanar_SixteenBitColourPng_DividesEachValueBy257()
    {
        string path = Write("deep.png", 1, 1, new[] { new Rgb48(257 * 10, 257 * 20, 257 * 30) },
            new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 });

        float[] planar = ImageReader.ReadPlanar(path, 1, 1, 3);

        Assert.Equal(Scaled(10, 20, 30), planar);
    }

    [Fact]
    public void ReadPlanar_GreyWithAlphaPng_IsCompositedOverBlack()
    {
        // round(c·a/255): 200·128/255 = 100.4 → 100 and 51·51/255 = 10.2 → 10.
        La16[] pixels = { new(200, 255), new(200, 128), new(200, 0), new(51, 51) };
        string path = Write("grey-alpha.png", 4, 1, pixels,
            new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha });

        float[] grey = ImageReader.ReadPlanar(path, 4, 1, 1);
        float[] colour = ImageReader.ReadPlanar(path, 4, 1, 3);

        Assert.Equal(Scaled(200, 100, 0, 10), grey);
        Assert.Equal(Scaled(200, 100, 0, 10, 200, 100, 0, 10, 200, 100, 0, 10), colour);
    }

    [Fact]
    public void ReadPlanar_RgbaPng_IsCompositedOverBlack()
    {
        // 100·128/255 = 50.2 → 50, 50·128/255 = 25.1 → 25, and alpha 0 hides any colour.
        Rgba32[] pixels = { new(200, 100, 50, 255), new(200, 100, 50, 128), new(10, 20, 30, 0), new(255, 255, 255, 1) };
        string path = Write("rgba.png", 4, 1, pixels, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });

        float[] planar = ImageReader.ReadPlanar(path, 4, 1, 3);

        Assert.Equal(3, ImageReader.Inspect(path).Shape.Channels);
        Assert.Equal(Scaled(200, 100, 0, 1, 100, 50, 0, 1, 50, 25, 0, 1), planar);
    }

    [Fact]
    public void ReadPlanar_PalettePngWithTransparency_GivesThePaletteColoursOverBlack()
    {
        Rgba32[] pixels = { new(10, 20, 30, 255), new(200, 100, 50, 255), new(0, 255, 0, 255), new(90, 90, 90, 0) };
        string path = Write("palette.png", 2, 2, pixels,
            new PngEncoder { ColorType = PngColorType.Palette, BitDepth = PngBitDepth.Bit8 });

        float[] planar = ImageReader.ReadPlanar(path, 2, 2, 3);

        Assert.Equal(PngColorType.Palette, Image.Identify(path).Metadata.GetPngMetadata().ColorType);
        Assert.Equal(Scaled(10, 200, 0, 0, 20, 100, 255, 0, 30, 50, 0, 0), planar);
    }

    [Fact]
    public void ReadPlanar_BaselineGreyJpegOfFlatBlocks_GivesTheBlockValuesExactly()
    {
        // A flat 8×8 block is one DCT coefficient, and at quality 100 every quantisation factor is 1, so the
        // blocks decode exactly.
        L8[] pixels = Enumerable.Range(0, 128).Select(i => new L8(i % 16 < 8 ? (byte)40 : (byte)200)).ToArray();
        string path = Write("grey.jpg", 16, 8, pixels,
            new JpegEncoder { ColorType = JpegColorType.Luminance, Quality = 100 });

        float[] planar = ImageReader.ReadPlanar(path, 16, 8, 1);

        Assert.Equal(new ImageShape(16, 8, 1), ImageReader.Inspect(path).Shape);
        Assert.Equal(Enumerable.Range(0, 128).Select(i => (i % 16 < 8 ? 40 : 200) / 255f), planar);
    }

    [Fact]
    public void ReadPlanar_BaselineColourJpeg_IsWithinTwoLevelsOfTheColour()
    {
        string path = Write("colour.jpg", 16, 16, Enumerable.Repeat(new Rgb24(200, 100, 50), 256).ToArray(),
            new JpegEncoder { Quality = 100 });

        float[] planar = ImageReader.ReadPlanar(path, 16, 16, 3);

        AssertClose(Enumerable.Repeat(200, 256).Concat(Enumerable.Repeat(100, 256)).Concat(Enumerable.Repeat(50, 256)),
            planar, tolerance: 2);
    }

    [Fact]
    public void ReadPlanar_ProgressiveJpeg_GivesTheBlockValuesExactly()
    {
        // ImageSharp 2.1 encodes baseline JPEGs only, so this file is built by hand: 2×2 flat blocks.
        string path = folder.Combine("progressive.jpg");
        File.WriteAllBytes(path, HandMadeImages.ProgressiveJpeg(2, 2, new[] { new byte[] { 0, 255, 17, 200 } }));

        ImageFacts facts = ImageReader.Inspect(path);
        float[] planar = ImageReader.ReadPlanar(path, 16, 16, 1);

        Assert.Equal((new ImageShape(16, 16, 1), "JPEG"), (facts.Shape, facts.Format));
        var blocks = new[] { 0, 255, 17, 200 };
        Assert.Equal(Enumerable.Range(0, 256).Select(i => blocks[i / 128 * 2 + i % 16 / 8] / 255f), planar);
    }

    [Fact]
    public void ReadPlanar_AdobeCmykJpeg_MultipliesEachInkByBlack()
    {
        // ImageSharp 2.1 writes YCbCr when asked for CMYK, so this file is built by hand. Adobe stores inverted
        // inks, so the stored values are the colour's own: R = C·K/255 = 192, G = 128·192/255 = 96.4,
        // B = 64·192/255 = 48.2.
        string path = folder.Combine("cmyk.jpg");
        File.WriteAllBytes(path, HandMadeImages.ProgressiveJpeg(1, 1,
            new[] { new byte[] { 255 }, new byte[] { 128 }, new byte[] { 64 }, new byte[] { 192 } }, adobeCmyk: true));

        float[] planar = ImageReader.ReadPlanar(path, 1, 1, 3);

        AssertClose(new[] { 192, 96, 48 }, planar, tolerance: 1);
    }

    [Fact]
    public void ReadPlanar_Bmp_GivesTheStoredColours()
    {
        Rgb24[] pixels = { new(1, 2, 3), new(250, 128, 0) };
        string path = Write("colour.bmp", 2, 1, pixels, new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });

        float[] planar = ImageReader.ReadPlanar(path, 2, 1, 3);

        ImageFacts facts = ImageReader.Inspect(path);
        Assert.Equal((new ImageShape(2, 1, 3), "BMP"), (facts.Shape, facts.Format));
        Assert.Equal(Scaled(1, 250, 2, 128, 3, 0), planar);
    }

    [Fact]
    public void ReadPlanar_EightBitBmp_GivesTheStoredGreys()
    {
        string path = Write("grey.bmp", 2, 1, new[] { new L8(77), new L8(230) },
            new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 });

        float[] planar = ImageReader.ReadPlanar(path, 2, 1, 1);

        Assert.Equal(Scaled(77, 230), planar);
    }

    [Fact]
    public void ReadPlanar_Tiff_GivesTheStoredColoursAndGreys()
    {
        string colour = Write("colour.tif", 2, 1, new[] { new Rgb24(1, 2, 3), new Rgb24(250, 128, 0) },
            new TiffEncoder());
        string grey = Write("grey.tiff", 2, 1, new[] { new L8(77), new L8(230) },
            new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit8 });

        Assert.Equal(Scaled(1, 250, 2, 128, 3, 0), ImageReader.ReadPlanar(colour, 2, 1, 3));
        Assert.Equal(Scaled(77, 230), ImageReader.ReadPlanar(grey, 2, 1, 1));
        Assert.Equal("TIFF", ImageReader.Inspect(colour).Format);
    }

    [Fact]
    public void ReadPlanar_MultiPageTiff_ReadsTheFirstPage()
    {
        string path = folder.Combine("pages.tif");
        using (var image = new Image<Rgb24>(2, 1, new Rgb24(10, 20, 30)))
        {
            image.Frames.AddFrame(new[] { new Rgb24(200, 200, 200), new Rgb24(200, 200, 200) });
            image.SaveAsTiff(path);
        }

        float[] planar = ImageReader.ReadPlanar(path, 2, 1, 3);

        using (Image written = Image.Load(path))
        {
            Assert.Equal(2, written.Frames.Count);
        }
        Assert.Equal(Scaled(10, 10, 20, 20, 30, 30), planar);
    }

    [Fact]
    public void ReadPlanar_AnimatedGif_ReadsTheFirstFrame()
    {
        string path = folder.Combine("animated.gif");
        using (var image = new Image<Rgb24>(2, 1, new Rgb24(255, 0, 0)))
        {
            image[1, 0] = new Rgb24(0, 255, 0);
            image.Frames.AddFrame(new[] { new Rgb24(0, 0, 255), new Rgb24(0, 0, 255) });
            image.SaveAsGif(path);
        }

        float[] planar = ImageReader.ReadPlanar(path, 2, 1, 3);

        Assert.Equal("GIF", ImageReader.Inspect(path).Format);
        Assert.Equal(Scaled(255, 0, 0, 255, 0, 0), planar);
    }

    [Fact]
    public void ReadPlanar_LosslessWebp_GivesTheStoredColours()
    {
        Rgb24[] pixels = { new(1, 2, 3), new(200, 100, 50), new(9, 250, 7) };
        string path = Write("lossless.webp", 3, 1, pixels,
            new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });

        float[] planar = ImageReader.ReadPlanar(path, 3, 1, 3);

        Assert.Equal("WebP", ImageReader.Inspect(path).Format);
        Assert.Equal(Scaled(1, 200, 9, 2, 100, 250, 3, 50, 7), planar);
    }

    [Fact]
    public void ReadPlanar_LossyWebp_IsWithinFourLevelsOfTheColour()
    {
        string path = Write("lossy.webp", 16, 16, Enumerable.Repeat(new Rgb24(200, 100, 50), 256).ToArray(),
            new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 100 });

        float[] planar = ImageReader.ReadPlanar(path, 16, 16, 3);

        AssertClose(Enumerable.Repeat(200, 256).Concat(Enumerable.Repeat(100, 256)).Concat(Enumerable.Repeat(50, 256)),
            planar, tolerance: 4);
    }

    private string Write<TPixel>(string name, int width, int height, TPixel[] pixels, IImageEncoder encoder)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        string path = folder.Combine(name);
        using var image = Image.LoadPixelData(pixels, width, height);
        image.Save(path, encoder);
        return path;
    }

    private static float[] Scaled(params byte[] values) => values.Select(v => v / 255f).ToArray();

    private static float[] Scaled(params int[] values) => values.Select(v => v / 255f).ToArray();

    private static void AssertClose(IEnumerable<int> expected, float[] planar, int tolerance)
    {
        int[] actual = planar.Select(v => (int)MathF.Round(v * 255)).ToArray();
        int[] wanted = expected.ToArray();
        Assert.Equal(wanted.Length, actual.Length);
        for (int i = 0; i < wanted.Length; i++)
        {
            Assert.True(Math.Abs(wanted[i] - actual[i]) <= tolerance,
                $"Value {i} is {actual[i]}, more than {tolerance} away from {wanted[i]}.");
        }
    }
}
