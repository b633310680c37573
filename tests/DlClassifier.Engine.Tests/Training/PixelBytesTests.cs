using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

/// <summary>
/// The cache keeps images as bytes on the promise that the reader only ever returns k / 255; these tests hold
/// the reader to it.
/// </summary>
public sealed class PixelBytesTests : IDisposable
{
    private readonly TemporaryFolder folder = new("pixel-bytes");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void FromUnitThenToUnit_EveryByteValue_GivesTheReadersFloatBack()
    {
        byte[] all = Enumerable.Range(0, 256).Select(k => (byte)k).ToArray();
        float[] asRead = all.Select(k => k / 255f).ToArray();

        byte[] bytes = PixelBytes.FromUnit(asRead);

        Assert.Equal(all, bytes);
        Assert.Equal(asRead, PixelBytes.ToUnit(bytes));
    }

    [Fact]
    public void ReadPlanar_EightBitGreyPng_GivesExactlyKOver255()
    {
        byte[] pixels = Enumerable.Range(0, 256).Select(k => (byte)k).ToArray();
        string path = TestImages.WriteGreyPng(folder.Combine("grey.png"), 16, 16, pixels);

        float[] values = ImageReader.ReadPlanar(path, 16, 16, 1);

        Assert.Equal(pixels.Select(k => k / 255f), values);
        Assert.Equal(pixels, PixelBytes.FromUnit(values));
    }

    [Fact]
    public void ReadPlanar_SixteenBitGreyPng_IsScaledToEightBitSteps()
    {
        string path = folder.Combine("grey16.png");
        using (var image = new Image<L16>(16, 16))
        {
            for (int i = 0; i < 256; i++)
            {
                image[i % 16, i / 16] = new L16((ushort)(i * 257 + (i % 3) * 40));
            }
            image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 });
        }

        float[] values = ImageReader.ReadPlanar(path, 16, 16, 1);

        Assert.Equal(values, PixelBytes.ToUnit(PixelBytes.FromUnit(values)));
    }

    [Fact]
    public void ReadPlanar_ResizedColourPng_StillGivesKOver255()
    {
        var random = new Random(2);
        Rgb24[] pixels = Enumerable.Range(0, 35)
            .Select(_ => new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))).ToArray();
        string path = TestImages.WriteRgbPng(folder.Combine("rgb.png"), 7, 5, pixels);

        float[] values = ImageReader.ReadPlanar(path, 4, 3, 3);

        Assert.Equal(values, PixelBytes.ToUnit(PixelBytes.FromUnit(values)));
    }
}
