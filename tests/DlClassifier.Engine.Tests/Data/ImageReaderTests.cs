using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace DlClassifier.Engine.Tests.Data;

public sealed class ImageReaderTests : IDisposable
{
    private readonly TemporaryFolder folder = new("reader");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Inspect_GreyPng_HasOneChannel()
    {
        string path = TestImages.WriteGreyPng(folder.Combine("grey.png"), 3, 2, new byte[6]);

        Assert.Equal(new ImageShape(3, 2, 1), ImageReader.Inspect(path).Shape);
    }

    [Fact]
    public void Inspect_RgbPng_HasThreeChannels()
    {
        string path = TestImages.WriteRgbPng(folder.Combine("rgb.png"), 4, 5, new Rgb24[20]);

        Assert.Equal(new ImageShape(4, 5, 3), ImageReader.Inspect(path).Shape);
    }

    [Fact]
    public void Inspect_TextWithImageEnding_ThrowsInvalidDataNamingThePath()
    {
        string path = folder.Combine("text.png");
        File.WriteAllText(path, "plain text");

        var error = Assert.Throws<InvalidDataException>(() => ImageReader.Inspect(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void ReadPlanar_GreyImage_GivesByteValuesOver255()
    {
        byte[] pixels = { 0, 64, 128, 255 };
        string path = TestImages.WriteGreyPng(folder.Combine("grey.png"), 2, 2, pixels);

        float[] planar = ImageReader.ReadPlanar(path, 2, 2, 1);

        Assert.Equal(new[] { 0f, 64 / 255f, 128 / 255f, 1f }, planar);
    }

    [Fact]
    public void ReadPlanar_RgbImage_GivesRedThenGreenThenBluePlane()
    {
        Rgb24[] pixels = { new(10, 20, 30), new(40, 50, 60), new(70, 80, 90), new(100, 110, 120), new(130, 140, 150),
            new(160, 170, 180) };
        string path = TestImages.WriteRgbPng(folder.Combine("rgb.png"), 3, 2, pixels);

        float[] planar = ImageReader.ReadPlanar(path, 3, 2, 3);

        float[] expected = new[] { 10, 40, 70, 100, 130, 160, 20, 50, 80, 110, 140, 170, 30, 60, 90, 120, 150, 180 }
            .Select(v => v / 255f).ToArray();
        Assert.Equal(expected, planar);
    }

    [Fact]
    public void ReadPlanar_GreyImageAsThreeChannels_RepeatsTheGreyPlane()
    {
        string path = TestImages.WriteGreyPng(folder.Combine("grey.png"), 2, 1, new byte[] { 51, 204 });

        float[] planar = ImageReader.ReadPlanar(path, 2, 1, 3);

        Assert.Equal(new[] { 0.2f, 0.8f, 0.2f, 0.8f, 0.2f, 0.8f }, planar);
    }

    [Fact]
    public void ReadPlanar_NeutralColourImageAsOneChannel_GivesItsGrey()
    {
        string path = TestImages.WriteRgbPng(folder.Combine("neutral.png"), 2, 1,
            new Rgb24[] { new(102, 102, 102), new(255, 255, 255) });

        float[] planar = ImageReader.ReadPlanar(path, 2, 1, 1);

        Assert.Equal(new[] { 0.4f, 1f }, planar);
    }

    [Fact]
    public void ReadPlanar_OtherSize_StretchesToTheRequestedSize()
    {
        string path = TestImages.WriteFlatGreyPng(folder.Combine("flat.png"), 7, 3, 153);

        float[] planar = ImageReader.ReadPlanar(path, 4, 5, 1);

        Assert.Equal(Enumerable.Repeat(0.6f, 20), planar);
    }

    [Fact]
    public void ReadPlanar_ExifOrientationSix_IsRotatedClockwise()
    {
        // Stored 3 wide and 2 high:   shown after a quarter turn clockwise, 2 wide and 3 high:
        //   10 20 30                    40 10
        //   40 50 60                    50 20
        //                               60 30
        string path = folder.Combine("rotated.png");
        using (var image = new Image<L8>(3, 2))
        {
            byte[] stored = { 10, 20, 30, 40, 50, 60 };
            for (int i = 0; i < stored.Length; i++)
            {
                image[i % 3, i / 3] = new L8(stored[i]);
            }
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
            image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        }

        ImageShape shape = ImageReader.Inspect(path).Shape;
        float[] planar = ImageReader.ReadPlanar(path, 2, 3, 1);

        Assert.Equal(new ImageShape(2, 3, 1), shape);
        Assert.Equal(new byte[] { 40, 10, 50, 20, 60, 30 }.Select(v => v / 255f), planar);
    }

    [Fact]
    public void ReadPlanar_SixteenBitGrey_IsScaledToEightBitsFirst()
    {
        // 32896 = 128·257, the 16-bit value that stands for the 8-bit value 128.
        string path = folder.Combine("deep.png");
        using (var image = new Image<L16>(2, 1, new L16(32896)))
        {
            image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 });
        }

        ImageShape shape = ImageReader.Inspect(path).Shape;
        float[] planar = ImageReader.ReadPlanar(path, 2, 1, 1);

        Assert.Equal(new ImageShape(2, 1, 1), shape);
        Assert.Equal(new[] { 128 / 255f, 128 / 255f }, planar);
    }

    [Fact]
    public void ReadPlanar_TruncatedPng_ThrowsInvalidData()
    {
        string whole = TestImages.WriteGreyPng(folder.Combine("whole.png"), 32, 32,
            Enumerable.Range(0, 1024).Select(i => (byte)(i * 37 % 251)).ToArray());
        byte[] bytes = File.ReadAllBytes(whole);
        string path = folder.Combine("truncated.png");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        Assert.Throws<InvalidDataException>(() => ImageReader.ReadPlanar(path, 32, 32, 1));
    }

    [Theory]
    [InlineData("empty.png", "")]
    [InlineData("signature.png", "89504E470D0A1A0A")]
    [InlineData("header-only.png", "89504E470D0A1A0A0000000D49484452000000100000001008000000")]
    [InlineData("start.jpg", "FFD8FFE0")]
    [InlineData("gif.gif", "474946383961")]
    [InlineData("bmp.bmp", "424D")]
    [InlineData("zeros.png", "00000000000000000000000000000000")]
    public void Inspect_DamagedFile_ThrowsInvalidData(string name, string hexBytes)
    {
        string path = folder.Combine(name);
        File.WriteAllBytes(path, Convert.FromHexString(hexBytes));

        var error = Assert.Throws<InvalidDataException>(() => ImageReader.Inspect(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Inspect_PngWithDamagedPixelData_ThrowsInvalidData()
    {
        string whole = TestImages.WriteGreyPng(folder.Combine("whole.png"), 32, 32,
            Enumerable.Range(0, 1024).Select(i => (byte)(i * 37 % 251)).ToArray());
        byte[] bytes = File.ReadAllBytes(whole);
        int data = IndexOf(bytes, "IDAT"u8.ToArray()) + 4;
        for (int i = data + 2; i < data + 20; i++)
        {
            bytes[i] ^= 0x5A;
        }
        string path = folder.Combine("damaged.png");
        File.WriteAllBytes(path, bytes);

        Assert.Throws<InvalidDataException>(() => ImageReader.Inspect(path));
    }

    [Fact]
    public void Inspect_GreyJpeg_HasOneChannel()
    {
        string path = folder.Combine("grey.jpg");
        using (var image = new Image<L8>(6, 4, new L8(90)))
        {
            image.SaveAsJpeg(path, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder
            {
                ColorType = SixLabors.ImageSharp.Formats.Jpeg.JpegColorType.Luminance,
            });
        }

        Assert.Equal(new ImageShape(6, 4, 1), ImageReader.Inspect(path).Shape);
    }

    [Fact]
    public void Inspect_GreyWithAlphaPng_HasOneChannel()
    {
        string path = folder.Combine("grey-alpha.png");
        using (var image = new Image<La16>(3, 3, new La16(40, 200)))
        {
            image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha });
        }

        Assert.Equal(new ImageShape(3, 3, 1), ImageReader.Inspect(path).Shape);
    }

    [Theory]
    [InlineData("a.png", true)]
    [InlineData("a.JPEG", true)]
    [InlineData("a.Tif", true)]
    [InlineData("a.webp", true)]
    [InlineData("a.txt", false)]
    [InlineData("a.png.bak", false)]
    [InlineData("png", false)]
    public void HasImageExtension_FileName_MatchesKnownEndingsIgnoringCase(string name, bool expected)
    {
        Assert.Equal(expected, ImageReader.HasImageExtension(name));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }
        throw new InvalidOperationException("The bytes were not found.");
    }
}
