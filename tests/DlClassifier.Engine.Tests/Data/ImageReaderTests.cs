using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
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

    [Fact]
    public void ReadPlanar_ExifRotatedJpeg_EqualsItsPreRotatedCopy()
    {
        // Flat 8×8 blocks at quality 100 decode exactly, so the two files must give the same floats. Stored as
        // [[a b] [c d]] with orientation 6 (turn a quarter clockwise to show), the picture is [[c a] [d b]].
        byte[] stored = { 30, 90, 160, 220 };
        byte[] shown = { 160, 30, 220, 90 };
        string rotated = WriteBlockJpeg(folder.Combine("rotated.jpg"), stored, orientation: 6);
        string upright = WriteBlockJpeg(folder.Combine("upright.jpg"), shown, orientation: null);

        float[] fromRotated = ImageReader.ReadPlanar(rotated, 16, 16, 1);
        float[] fromUpright = ImageReader.ReadPlanar(upright, 16, 16, 1);

        Assert.Equal(ImageReader.Inspect(upright).Shape, ImageReader.Inspect(rotated).Shape);
        Assert.Equal(fromUpright, fromRotated);
        Assert.Equal(Enumerable.Range(0, 256).Select(i => shown[i / 128 * 2 + i % 16 / 8] / 255f), fromRotated);
    }

    [Theory]
    [InlineData("photo.png", "JPEG", false)]
    [InlineData("photo.JPEG", "JPEG", true)]
    [InlineData("photo.jpg", "JPEG", true)]
    [InlineData("photo.tif", "JPEG", false)]
    public void Inspect_FormatAndExtension_AreComparedWithoutRegardToCase(string name, string format, bool matches)
    {
        string path = TestImages.WriteRgbJpeg(folder.Combine(name), 4, 4, new Rgb24(9, 9, 9));

        ImageFacts facts = ImageReader.Inspect(path);

        Assert.Equal((format, matches), (facts.Format, facts.FormatMatchesExtension));
    }

    [Fact]
    public void Inspect_EmptyFile_SaysItIsEmpty()
    {
        string path = folder.Combine("empty.jpg");
        File.WriteAllBytes(path, Array.Empty<byte>());

        var error = Assert.Throws<InvalidDataException>(() => ImageReader.Inspect(path));

        Assert.Equal($"'{path}' is not a readable image: the file is empty (0 bytes).", error.Message);
    }

    [Theory]
    [InlineData("photoshop.png", "3842505300010000000000000003")]
    [InlineData("targa.png", "00000A000000000000000000020002001800")]
    [InlineData("pdf.jpg", "255044462D312E340A")]
    public void Inspect_UnsupportedFormat_SaysNoFormatCanReadIt(string name, string hexBytes)
    {
        string path = folder.Combine(name);
        File.WriteAllBytes(path, Convert.FromHexString(hexBytes));

        var error = Assert.Throws<InvalidDataException>(() => ImageReader.Inspect(path));

        Assert.Equal($"'{path}' is not a readable image: its content is in no image format that can be read " +
                     "(PNG, JPEG, BMP, GIF, TIFF or WebP).", error.Message);
    }

    [Fact]
    public void Inspect_HeaderDeclaringFiftyThousandSquared_IsRefusedWithoutDecoding()
    {
        string path = folder.Combine("bomb.png");
        File.WriteAllBytes(path, HandMadeImages.PngDeclaringSize(50_000, 50_000));
        ImageReader.Inspect(TestImages.WriteFlatGreyPng(folder.Combine("warm-up.png"), 2, 2, 1));
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long workingSetBefore = Environment.WorkingSet;

        var error = Assert.Throws<ImageTooLargeException>(() => ImageReader.Inspect(path));

        // Decoding would need 2.5 GB for the grey pixels alone; refusing from the header costs kilobytes.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long workingSetGrowth = Environment.WorkingSet - workingSetBefore;
        Assert.True(allocated < 1 << 20, $"{allocated} bytes were allocated.");
        Assert.True(workingSetGrowth < 64 << 20, $"The working set grew by {workingSetGrowth} bytes.");
        Assert.Equal((path, 50_000, 50_000, ImageReader.DefaultMaxPixels),
            (error.Path, error.Width, error.Height, error.MaxPixels));
        Assert.Equal($"'{path}' declares 50,000 × 50,000 = 2,500,000,000 pixels in its header, more than the " +
                     "limit of 100,000,000 pixels; it was not decoded.", error.Message);
    }

    [Theory]
    [InlineData(400, true)]
    [InlineData(399, false)]
    public void Inspect_PixelLimit_AcceptsExactlyTheLimit(long maxPixels, bool accepted)
    {
        string path = TestImages.WriteFlatGreyPng(folder.Combine("square.png"), 20, 20, 7);

        Exception? error = Record.Exception(() => ImageReader.Inspect(path, maxPixels));

        Assert.Equal(accepted, error is null);
        Assert.True(accepted || error is ImageTooLargeException);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    [InlineData("gif")]
    [InlineData("bmp")]
    [InlineData("tif")]
    [InlineData("webp")]
    public void InspectAndReadPlanar_DamagedFiles_FailOnlyWithInvalidData(string extension)
    {
        // Decoders throw more than their own exception types on damaged data (null references, empty sequences,
        // indices out of range); none of them may escape as anything but InvalidDataException.
        string whole = folder.Combine($"whole.{extension}");
        using (var image = new Image<Rgb24>(24, 24))
        {
            for (int i = 0; i < 24 * 24; i++)
            {
                image[i % 24, i / 24] = new Rgb24((byte)(i * 7), (byte)(i * 13), (byte)(i % 24 * 10));
            }
            image.Save(whole);
        }
        byte[] bytes = File.ReadAllBytes(whole);
        var random = new Random(extension.Length * 31 + extension[0]);

        for (int variant = 0; variant < 60; variant++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            if (variant % 2 == 0)
            {
                damaged = damaged[..random.Next(1, damaged.Length)];
            }
            else
            {
                for (int i = 0; i < 3; i++)
                {
                    damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
                }
            }
            string path = folder.Combine($"damaged-{variant}.{extension}");
            File.WriteAllBytes(path, damaged);

            Exception? inspecting = Record.Exception(() => ImageReader.Inspect(path));
            Exception? reading = Record.Exception(() => ImageReader.ReadPlanar(path, 8, 8, 3));

            Assert.True(inspecting is null or InvalidDataException,
                $"Inspect threw {inspecting} for variant {variant}.");
            Assert.True(reading is null or InvalidDataException, $"ReadPlanar threw {reading} for variant {variant}.");
        }
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    [InlineData("gif")]
    [InlineData("bmp")]
    [InlineData("webp")]
    public void InspectAndReadPlanar_FileCutAtAnyOfTwelveLengths_IsRefusedAsCutShort(string extension)
    {
        // ImageSharp 2.1 loads most of these cuts as whole images and fills the missing pixels.
        string whole = WriteNoisyImage(folder.Combine($"whole.{extension}"), 28, 28);
        byte[] bytes = File.ReadAllBytes(whole);

        for (int part = 1; part <= 12; part++)
        {
            int length = part == 12 ? bytes.Length - 1 : bytes.Length * part / 12;
            string path = folder.Combine($"cut-{length}.{extension}");
            File.WriteAllBytes(path, bytes[..length]);

            var inspecting = Assert.Throws<InvalidDataException>(() => ImageReader.Inspect(path));
            var reading = Assert.Throws<InvalidDataException>(() => ImageReader.ReadPlanar(path, 28, 28, 3));

            Assert.StartsWith($"'{path}' is not a readable image: ", inspecting.Message);
            Assert.Equal(inspecting.Message, reading.Message);
        }
        Assert.Equal(new ImageShape(28, 28, 3), ImageReader.Inspect(whole).Shape);
        Assert.Equal(28 * 28 * 3, ImageReader.ReadPlanar(whole, 28, 28, 3).Length);
    }

    [Fact]
    public void InspectAndReadPlanar_PngWhosePixelDataStopsAfterFiveRows_SayHowManyRowsItHolds()
    {
        string path = folder.Combine("five-rows.png");
        File.WriteAllBytes(path, HandMadeImages.PngWithRows(28, 28, 5));

        var inspecting = Assert.Throws<InvalidDataException>(() => ImageReader.Inspect(path));
        var reading = Assert.Throws<InvalidDataException>(() => ImageReader.ReadPlanar(path, 28, 28, 1));

        string expected = $"'{path}' is not a readable image: the file is cut short: its pixel data stops after " +
                          "5 of 28 rows.";
        Assert.Equal(expected, inspecting.Message);
        Assert.Equal(expected, reading.Message);
    }

    [Fact]
    public void Inspect_PngHoldingEveryRow_IsAccepted()
    {
        string path = folder.Combine("all-rows.png");
        File.WriteAllBytes(path, HandMadeImages.PngWithRows(28, 28, 28));

        Assert.Equal(new ImageShape(28, 28, 1), ImageReader.Inspect(path).Shape);
    }

    [Theory]
    [InlineData(PngInterlaceMode.None)]
    [InlineData(PngInterlaceMode.Adam7)]
    public void Inspect_WholePngOfOddSizeAndLowDepth_IsAccepted(PngInterlaceMode interlace)
    {
        // The expected length of the pixel data depends on bit depth, padding of rows and the seven Adam7 passes.
        string path = folder.Combine($"odd-{interlace}.png");
        using (var image = new Image<L8>(13, 7))
        {
            for (int i = 0; i < 13 * 7; i++)
            {
                image[i % 13, i / 13] = new L8((byte)(i % 2 * 255));
            }
            image.SaveAsPng(path, new PngEncoder
            {
                BitDepth = PngBitDepth.Bit1, ColorType = PngColorType.Grayscale, InterlaceMethod = interlace,
            });
        }

        Assert.Equal(new ImageShape(13, 7, 1), ImageReader.Inspect(path).Shape);
    }

    [Fact]
    public void ReadPlanar_HeaderDeclaringHundredThousandSquared_IsRefusedAsTooLarge()
    {
        string path = folder.Combine("bomb.png");
        File.WriteAllBytes(path, HandMadeImages.PngDeclaringSize(100_000, 100_000));

        var error = Assert.Throws<ImageTooLargeException>(() => ImageReader.ReadPlanar(path, 28, 28, 1));

        Assert.Equal((path, 100_000, 100_000, ImageReader.DefaultMaxPixels),
            (error.Path, error.Width, error.Height, error.MaxPixels));
    }

    [Theory]
    [InlineData(400, true)]
    [InlineData(399, false)]
    public void ReadPlanar_PixelLimit_AcceptsExactlyTheLimit(long maxPixels, bool accepted)
    {
        string path = TestImages.WriteFlatGreyPng(folder.Combine("square.png"), 20, 20, 7);

        Exception? error = Record.Exception(() => ImageReader.ReadPlanar(path, 4, 4, 1, maxPixels));

        Assert.Equal(accepted, error is null);
        Assert.True(accepted || error is ImageTooLargeException { Width: 20, Height: 20, MaxPixels: 399 });
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

    private static string WriteNoisyImage(string path, int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int i = 0; i < width * height; i++)
        {
            image[i % width, i / width] = new Rgb24((byte)(i * 7), (byte)(i * 13), (byte)(i * 29 % 256));
        }
        image.Save(path);
        return path;
    }

    private static string WriteBlockJpeg(string path, byte[] blocks, ushort? orientation)
    {
        using var image = new Image<L8>(16, 16);
        for (int i = 0; i < 256; i++)
        {
            image[i % 16, i / 16] = new L8(blocks[i / 128 * 2 + i % 16 / 8]);
        }
        if (orientation is { } value)
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, value);
        }
        image.SaveAsJpeg(path, new JpegEncoder { ColorType = JpegColorType.Luminance, Quality = 100 });
        return path;
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
