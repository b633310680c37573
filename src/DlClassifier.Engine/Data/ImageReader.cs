using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DlClassifier.Engine.Data;

/// <summary>The size and colour layout of an image, read from its file.</summary>
public readonly record struct ImageShape(int Width, int Height, int Channels);

/// <summary>What reading a whole image file revealed: its shape and the SHA-256 of its bytes.</summary>
public readonly record struct ImageFacts(ImageShape Shape, string ContentHash);

/// <summary>
/// Reads image files into the planar float layout the networks take. Every path that turns a file into
/// pixels (training, evaluation, heatmaps, inference) goes through here, so they all see the same image.
/// </summary>
public static class ImageReader
{
    /// <summary>The file name endings taken as images, compared without regard to case.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp",
    };

    public static bool HasImageExtension(string path) => Extensions.Contains(System.IO.Path.GetExtension(path));

    /// <summary>
    /// Decodes the whole file to prove it is a readable image and reports its shape after EXIF orientation,
    /// with a hash of its bytes by which duplicates are found.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an image that can be decoded.</exception>
    public static ImageFacts Inspect(string path)
    {
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));
            using Image image = Image.Load(bytes, out SixLabors.ImageSharp.Formats.IImageFormat format);
            int channels = IsGrey(image, format) ? 1 : 3;
            image.Mutate(x => x.AutoOrient());
            return new ImageFacts(new ImageShape(image.Width, image.Height, channels), hash);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException
                                      or NotSupportedException or ImageFormatException)
        {
            throw new InvalidDataException($"'{path}' is not a readable image: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads an image as channels × height × width floats in 0..1, oriented by its EXIF tag and resized
    /// (stretched) to the requested size. Grey images are repeated into three channels and colour images
    /// are reduced to luminance as the network asks.
    /// </summary>
    /// <exception cref="InvalidDataException">The file cannot be opened (it was moved, deleted or locked since
    /// it was listed) or is not an image that can be decoded.</exception>
    public static float[] ReadPlanar(string path, int width, int height, int channels)
    {
        try
        {
            using Image image = Image.Load(path);
            return ToPlanar(image, width, height, channels);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException
                                      or NotSupportedException or ImageFormatException)
        {
            throw new InvalidDataException($"'{path}' is not a readable image: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"'{path}' cannot be read: {e.Message}", e);
        }
    }

    internal static float[] ToPlanar(Image image, int width, int height, int channels)
    {
        image.Mutate(x =>
        {
            x.AutoOrient();
            if (image.Width != width || image.Height != height)
            {
                x.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Stretch });
            }
        });
        var planar = new float[channels * height * width];
        int plane = height * width;
        if (channels == 1)
        {
            using Image<L8> grey = image.CloneAs<L8>();
            grey.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    Span<L8> row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++)
                    {
                        planar[y * width + x] = row[x].PackedValue / 255f;
                    }
                }
            });
            return planar;
        }

        using Image<Rgb24> colour = image.CloneAs<Rgb24>();
        colour.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    int at = y * width + x;
                    planar[at] = row[x].R / 255f;
                    planar[plane + at] = row[x].G / 255f;
                    planar[2 * plane + at] = row[x].B / 255f;
                }
            }
        });
        return planar;
    }

    private static bool IsGrey(Image image, SixLabors.ImageSharp.Formats.IImageFormat format)
    {
        if (format is PngFormat)
        {
            PngColorType? type = image.Metadata.GetPngMetadata().ColorType;
            return type is PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha;
        }
        if (format is JpegFormat)
        {
            return image.Metadata.GetJpegMetadata().ColorType is JpegColorType.Luminance;
        }
        return image.PixelType.BitsPerPixel is 8 or 16 && image is Image<L8> or Image<L16>;
    }
}
