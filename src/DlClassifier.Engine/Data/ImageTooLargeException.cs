using System.Globalization;

namespace DlClassifier.Engine.Data;

/// <summary>
/// An image whose header declares more pixels than the import allows. It is refused before its pixels are
/// decoded, so that a small file claiming a huge size (a decompression bomb) cannot exhaust memory.
/// </summary>
public sealed class ImageTooLargeException : Exception
{
    public ImageTooLargeException(string path, int width, int height, long maxPixels)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"'{path}' declares {width:N0} × {height:N0} = {(long)width * height:N0} pixels in its header, more " +
            $"than the limit of {maxPixels:N0} pixels; it was not decoded."))
    {
        Path = path;
        Width = width;
        Height = height;
        MaxPixels = maxPixels;
    }

    /// <summary>The file that was refused.</summary>
    public string Path { get; }

    /// <summary>The width the header declares.</summary>
    public int Width { get; }

    /// <summary>The height the header declares.</summary>
    public int Height { get; }

    /// <summary>The limit that was exceeded.</summary>
    public long MaxPixels { get; }
}
