using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DlClassifier.Engine.Data;

/// <summary>The size and colour layout of an image, read from its file.</summary>
public readonly record struct ImageShape(int Width, int Height, int Channels);

/// <summary>What reading a whole image file revealed.</summary>
/// <param name="Shape">The size after EXIF orientation, and 1 or 3 channels.</param>
/// <param name="ContentHash">The SHA-256 of the file's bytes, in hexadecimal.</param>
/// <param name="Format">The format its header shows (PNG, JPEG, BMP, GIF, TIFF, WebP), whatever its name.</param>
/// <param name="FormatMatchesExtension">False when the name ends in the extension of another format.</param>
public readonly record struct ImageFacts(
    ImageShape Shape, string ContentHash, string Format, bool FormatMatchesExtension);

/// <summary>
/// Reads image files into the planar float layout the networks take. Every path that turns a file into
/// pixels (training, evaluation, heatmaps, inference) goes through here, so they all see the same image.
/// </summary>
/// <remarks>
/// The rules every read follows: only the first frame of a multi-page TIFF, an animated GIF or any other file
/// with several frames is used; the EXIF orientation is applied; samples deeper than 8 bits are scaled to 8
/// bits first (a 16-bit value v becomes round(v / 257)); and transparency is composited over black, so a pixel
/// of colour c and alpha a counts as round(c · a / 255). That makes a fully transparent pixel black whatever
/// colour it hides, which keeps the result independent of what an editor happened to store under transparent
/// areas.
/// </remarks>
public static class ImageReader
{
    /// <summary>The default largest width × height an import accepts: 100 megapixels.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>The file name endings taken as images, compared without regard to case.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp",
    };

    private const string EmptyReason = "the file is empty (0 bytes).";

    private const string UnknownFormatReason =
        "its content is in no image format that can be read (PNG, JPEG, BMP, GIF, TIFF or WebP).";

    // Decoders of multi-frame formats stop after the first frame: a sample is one picture, and decoding
    // every page of a large TIFF would cost memory and time for pixels that are never used.
    private static readonly Configuration Decoding = CreateDecodingConfiguration();

    public static bool HasImageExtension(string path) => Extensions.Contains(System.IO.Path.GetExtension(path));

    /// <summary>
    /// Checks the declared size in the header, then decodes the whole file to prove it is a readable image,
    /// and reports its shape after EXIF orientation, its format and a hash of its bytes by which duplicates
    /// are found.
    /// </summary>
    /// <param name="path">The image file.</param>
    /// <param name="maxPixels">The largest width × height accepted; larger images are refused undecoded.</param>
    /// <exception cref="InvalidDataException">The file is empty, in no readable format, or damaged.</exception>
    /// <exception cref="ImageTooLargeException">The header declares more than <paramref name="maxPixels"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static ImageFacts Inspect(string path, long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
        {
            throw Unreadable(path, EmptyReason);
        }
        string hash = Convert.ToHexString(SHA256.HashData(bytes));

        IImageFormat format = CheckHeader(path, bytes, maxPixels);
        CheckComplete(path, bytes, format);

        try
        {
            using Image image = Image.Load(Decoding, bytes);
            int channels = IsGrey(image, format) ? 1 : 3;
            return new ImageFacts(OrientedShape(image, channels), hash, FormatName(format),
                MatchesExtension(path, format));
        }
        catch (Exception e) when (IsDecodingFailure(e))
        {
            throw Damaged(path, format, e);
        }
    }

    /// <summary>
    /// Reads an image as channels × height × width floats in 0..1, oriented by its EXIF tag and resized
    /// (stretched) to the requested size. Grey images are repeated into three channels and colour images
    /// are reduced to luminance as the network asks; see the class remarks for frames, depth and alpha.
    /// </summary>
    /// <remarks>
    /// The header's size is checked against <paramref name="maxPixels"/> before any pixel is decoded, so a small
    /// file claiming a huge size fails here as it would in an import, instead of exhausting memory; and the file's
    /// structure is checked for a cut-short end, which costs a second pass over a PNG's compressed data.
    /// </remarks>
    /// <param name="maxPixels">The largest width × height accepted.</param>
    /// <exception cref="InvalidDataException">The file cannot be opened (it was moved, deleted or locked since
    /// it was listed), is not an image that can be decoded, or is cut short.</exception>
    /// <exception cref="ImageTooLargeException">The header declares more than <paramref name="maxPixels"/>.</exception>
    public static float[] ReadPlanar(string path, int width, int height, int channels,
        long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        return Read(path, width, height, channels, maxPixels);
    }

    /// <summary>
    /// <see cref="ReadPlanar"/> for the files of a data set, without the checks their import made already: no
    /// pixel limit (the import applied its own) and no completeness check, which training would otherwise repeat
    /// every epoch for the images beyond its cache.
    /// </summary>
    /// <exception cref="InvalidDataException">The file cannot be opened or is not an image that can be decoded.
    /// </exception>
    public static float[] ReadImported(string path, int width, int height, int channels) =>
        Read(path, width, height, channels, maxPixels: null);

    /// <param name="maxPixels">The pixel limit, or null for a file an import has checked.</param>
    private static float[] Read(string path, int width, int height, int channels, long? maxPixels)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"'{path}' cannot be read: {e.Message}", e);
        }
        if (bytes.Length == 0)
        {
            throw Unreadable(path, EmptyReason);
        }

        IImageFormat format = CheckHeader(path, bytes, maxPixels ?? long.MaxValue);
        if (maxPixels is not null)
        {
            CheckComplete(path, bytes, format);
        }

        Image<Rgba32> image;
        try
        {
            image = Image.Load<Rgba32>(Decoding, bytes);
        }
        catch (Exception e) when (IsDecodingFailure(e))
        {
            throw Damaged(path, format, e);
        }
        using (image)
        {
            return ToPlanar(image, width, height, channels);
        }
    }

    internal static float[] ToPlanar(Image<Rgba32> image, int width, int height, int channels)
    {
        while (image.Frames.Count > 1)
        {
            image.Frames.RemoveFrame(image.Frames.Count - 1);
        }
        CompositeOverBlack(image);

        image.Mutate(x => x.AutoOrient());
        if (image.Width != width || image.Height != height)
        {
            var resize = new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Stretch };
            image.Mutate(x => x.Resize(resize));
        }

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

        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
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

    /// <summary>Reads the format and declared size from the header alone, without decoding any pixel.</summary>
    private static IImageFormat CheckHeader(string path, byte[] bytes, long maxPixels)
    {
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(Decoding, bytes, out format);
        }
        catch (Exception e) when (IsDecodingFailure(e))
        {
            throw Damaged(path, Image.DetectFormat(Decoding, bytes), e);
        }
        if (info is null || format is null)
        {
            throw Unreadable(path, UnknownFormatReason);
        }
        if ((long)info.Width * info.Height > maxPixels)
        {
            throw new ImageTooLargeException(path, info.Width, info.Height, maxPixels);
        }
        return format;
    }

    /// <summary>Refuses a file whose structure shows it was cut short; ImageSharp would fill it in silently.</summary>
    private static void CheckComplete(string path, byte[] bytes, IImageFormat format)
    {
        string? truncation = ImageCompleteness.FindTruncation(bytes, format);
        if (truncation is not null)
        {
            throw Unreadable(path, truncation);
        }
    }

    /// <summary>Premultiplies every pixel by its alpha and makes it opaque: composition over black.</summary>
    private static void CompositeOverBlack(Image<Rgba32> image)
    {
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                foreach (ref Rgba32 pixel in rows.GetRowSpan(y))
                {
                    if (pixel.A == byte.MaxValue)
                    {
                        continue;
                    }
                    // Adding 127 before the integer division rounds c·a/255 to the nearest integer; the
                    // quotient never lies exactly halfway, because 255 is odd.
                    int alpha = pixel.A;
                    pixel.R = (byte)((pixel.R * alpha + 127) / 255);
                    pixel.G = (byte)((pixel.G * alpha + 127) / 255);
                    pixel.B = (byte)((pixel.B * alpha + 127) / 255);
                    pixel.A = byte.MaxValue;
                }
            }
        });
    }

    /// <summary>The shape as shown after EXIF orientation: orientations 5 to 8 turn the image a quarter.</summary>
    private static ImageShape OrientedShape(Image image, int channels)
    {
        ushort orientation = image.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value ?? 1;
        return orientation is >= 5 and <= 8
            ? new ImageShape(image.Height, image.Width, channels)
            : new ImageShape(image.Width, image.Height, channels);
    }

    private static bool IsGrey(Image image, IImageFormat format)
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

    private static string FormatName(IImageFormat format) => format.Name == "Webp" ? "WebP" : format.Name;

    private static bool MatchesExtension(string path, IImageFormat format)
    {
        string extension = System.IO.Path.GetExtension(path).TrimStart('.');
        return format.FileExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether an exception from decoding is a verdict on the file. Decoding works on bytes already in memory,
    /// so everything it throws is about those bytes: besides their own exception types, ImageSharp's decoders
    /// throw general ones (a null reference, an empty sequence, an index out of range) on damaged files, as a
    /// sweep over damaged PNG, JPEG, GIF, BMP, TIFF and WebP files showed. Only an exhausted process and a
    /// cancellation are not about the file.
    /// </summary>
    private static bool IsDecodingFailure(Exception e) =>
        e is not (OutOfMemoryException or InsufficientExecutionStackException or OperationCanceledException);

    private static InvalidDataException Damaged(string path, IImageFormat? format, Exception e)
    {
        string what = format is null ? "its data" : $"its {FormatName(format)} data";
        return Unreadable(path, $"{what} is damaged or incomplete ({e.Message.TrimEnd('.')}).", e);
    }

    private static InvalidDataException Unreadable(string path, string reason, Exception? e = null) =>
        new($"'{path}' is not a readable image: {reason}", e);

    /// <summary>
    /// A configuration of its own, with the decoders of the six accepted formats only. Cloning the default
    /// configuration would share its format manager, and setting a decoder there would change every other
    /// user of ImageSharp in the process.
    /// </summary>
    private static Configuration CreateDecodingConfiguration()
    {
        var configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(),
            new BmpConfigurationModule(), new GifConfigurationModule(), new TiffConfigurationModule(),
            new WebpConfigurationModule());
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance,
            new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance,
            new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }
}
