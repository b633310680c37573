using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace DlClassifier.Engine.Tests.Support;

/// <summary>Writes small image files whose every pixel the test knows.</summary>
public static class TestImages
{
    /// <summary>An 8-bit grey PNG; <paramref name="pixels"/> holds the rows one after another.</summary>
    public static string WriteGreyPng(string path, int width, int height, byte[] pixels)
    {
        using var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new L8(pixels[y * width + x]);
            }
        }
        image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        return path;
    }

    /// <summary>An 8-bit colour PNG; <paramref name="pixels"/> holds the rows one after another.</summary>
    public static string WriteRgbPng(string path, int width, int height, Rgb24[] pixels)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = pixels[y * width + x];
            }
        }
        image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 });
        return path;
    }

    /// <summary>A colour JPEG of one flat colour.</summary>
    public static string WriteRgbJpeg(string path, int width, int height, Rgb24 colour)
    {
        using var image = new Image<Rgb24>(width, height, colour);
        image.SaveAsJpeg(path, new JpegEncoder { Quality = 95 });
        return path;
    }

    /// <summary>A grey image of one value, as a PNG.</summary>
    public static string WriteFlatGreyPng(string path, int width, int height, byte value) =>
        WriteGreyPng(path, width, height, Enumerable.Repeat(value, width * height).ToArray());

    /// <summary>
    /// A 16×16 grey image that is bright on one half and dark on the other, with a faint pattern that differs
    /// per <paramref name="variant"/> so that no two images of a class are the same file.
    /// </summary>
    public static string WriteHalfBright(string path, bool brightLeft, int variant)
    {
        const int side = 16;
        var pixels = new byte[side * side];
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                bool bright = (x < side / 2) == brightLeft;
                int texture = (x * 7 + y * 3 + variant * 11) % 23;
                pixels[y * side + x] = (byte)(bright ? 210 + texture : 20 + texture);
            }
        }
        return WriteGreyPng(path, side, side, pixels);
    }
}
