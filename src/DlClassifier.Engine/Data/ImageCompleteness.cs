using System.Buffers.Binary;
using System.IO.Compression;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;

namespace DlClassifier.Engine.Data;

/// <summary>
/// Finds image files that were cut short. ImageSharp 2.1 decodes many of them without complaint and fills the
/// missing pixels: a PNG whose pixel data stops early, a JPEG without its end marker, a GIF without its trailer,
/// a BMP or WebP shorter than its header says all load as whole images. So the file's own structure is walked,
/// which costs one pass over the bytes (and, for PNG, one inflation of the pixel data) and decodes no pixel.
/// </summary>
/// <remarks>
/// TIFF is not checked: its strips may lie anywhere in the file, and a cut that loses only the last strip
/// still loads. Checking it would need the strip offsets and byte counts of the first directory.
/// </remarks>
internal static class ImageCompleteness
{
    private const string CutShort = "the file is cut short";

    /// <summary>Why the file is incomplete, as the end of a sentence, or null when it is whole.</summary>
    public static string? FindTruncation(byte[] bytes, IImageFormat format) => format switch
    {
        PngFormat => CheckPng(bytes),
        JpegFormat => CheckJpeg(bytes),
        GifFormat => CheckGif(bytes),
        BmpFormat => CheckBmp(bytes),
        WebpFormat => CheckWebp(bytes),
        _ => null,
    };

    /// <summary>
    /// Walks the chunks up to IEND, then inflates the IDAT stream and compares its length with the length that
    /// the size, colour type, bit depth and interlacing in IHDR require (PNG specification, sections 7 and 8).
    /// </summary>
    private static string? CheckPng(byte[] bytes)
    {
        const int signatureLength = 8;
        int at = signatureLength;
        byte[]? header = null;
        using var pixelData = new MemoryStream();
        while (true)
        {
            if (at + 8 > bytes.Length)
            {
                return $"{CutShort}: it ends at byte {bytes.Length:N0} before the IEND chunk that closes a PNG.";
            }
            long length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
            if (at + 12 + length > bytes.Length)
            {
                return $"{CutShort}: its {type} chunk declares {length:N0} bytes, but the file ends first.";
            }
            var data = bytes.AsSpan(at + 8, (int)length);
            if (type == "IHDR" && length >= 13)
            {
                header = data.ToArray();
            }
            else if (type == "IDAT")
            {
                pixelData.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }
            at += 12 + (int)length;
        }
        return header is null ? null : CheckPngPixelData(header, pixelData);
    }

    private static string? CheckPngPixelData(byte[] header, MemoryStream pixelData)
    {
        int width = (int)BinaryPrimitives.ReadUInt32BigEndian(header);
        int height = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
        int channels = header[9] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (width <= 0 || height <= 0 || channels == 0)
        {
            // A header the decoder cannot take is its verdict to give, with its own message.
            return null;
        }
        int bitsPerPixel = channels * header[8];
        long expected = header[12] == 1
            ? Adam7Length(width, height, bitsPerPixel)
            : RowsLength(width, height, bitsPerPixel);

        long inflated = 0;
        pixelData.Position = 0;
        try
        {
            using var inflater = new ZLibStream(pixelData, CompressionMode.Decompress);
            var buffer = new byte[81920];
            int read;
            while (inflated < expected && (read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                inflated += read;
            }
        }
        catch (InvalidDataException)
        {
            // A damaged stream is counted as far as it inflates; the shortfall below names the loss.
        }
        if (inflated >= expected)
        {
            return null;
        }
        if (header[12] == 1)
        {
            return $"{CutShort}: its pixel data holds {inflated:N0} of the {expected:N0} bytes that " +
                   $"{width}×{height} interlaced pixels need.";
        }
        long rows = inflated / (1 + RowBytes(width, bitsPerPixel));
        return $"{CutShort}: its pixel data stops after {rows:N0} of {height:N0} rows.";
    }

    private static long RowBytes(long width, int bitsPerPixel) => (width * bitsPerPixel + 7) / 8;

    /// <summary>Every row is one filter byte and its packed samples.</summary>
    private static long RowsLength(long width, long height, int bitsPerPixel) =>
        height * (1 + RowBytes(width, bitsPerPixel));

    /// <summary>The seven reduced images of Adam7 interlacing, each stored as rows of its own width.</summary>
    private static long Adam7Length(int width, int height, int bitsPerPixel)
    {
        ReadOnlySpan<int> passes = stackalloc int[]
        {
            0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2,
        };
        long total = 0;
        for (int p = 0; p < passes.Length; p += 4)
        {
            long passWidth = PassSide(width, passes[p], passes[p + 2]);
            long passHeight = PassSide(height, passes[p + 1], passes[p + 3]);
            if (passWidth > 0 && passHeight > 0)
            {
                total += RowsLength(passWidth, passHeight, bitsPerPixel);
            }
        }
        return total;
    }

    /// <summary>How many of <paramref name="side"/> pixels a pass takes, from <paramref name="first"/> on.</summary>
    private static long PassSide(int side, int first, int step) => side > first ? (side - first + step - 1) / step : 0;

    /// <summary>
    /// Walks the marker segments and the entropy-coded data after each start of scan up to the end-of-image
    /// marker FFD9 (ITU T.81, annex B). Data after that marker, which some cameras append, is ignored.
    /// </summary>
    private static string? CheckJpeg(byte[] bytes)
    {
        int at = 2;
        while (true)
        {
            while (at < bytes.Length && bytes[at] == 0xFF)
            {
                at++;
            }
            if (at >= bytes.Length)
            {
                break;
            }
            byte marker = bytes[at++];
            if (marker == 0xD9)
            {
                return null;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }
            if (at + 2 > bytes.Length)
            {
                break;
            }
            at += BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at));
            if (at > bytes.Length)
            {
                break;
            }
            if (marker == 0xDA)
            {
                at = EndOfScan(bytes, at);
            }
        }
        return $"{CutShort}: it ends without the end-of-image marker that closes a JPEG.";
    }

    /// <summary>The position of the next marker after entropy-coded data: FF not followed by 00 or a restart.</summary>
    private static int EndOfScan(byte[] bytes, int at)
    {
        for (; at + 1 < bytes.Length; at++)
        {
            if (bytes[at] == 0xFF && bytes[at + 1] != 0x00 && bytes[at + 1] is not (>= 0xD0 and <= 0xD7))
            {
                return at;
            }
        }
        return bytes.Length;
    }

    /// <summary>Walks the blocks up to the trailer byte 3B (GIF89a specification, appendix B).</summary>
    private static string? CheckGif(byte[] bytes)
    {
        const int headerLength = 13;
        if (bytes.Length < headerLength)
        {
            return $"{CutShort}: it ends inside the GIF header.";
        }
        int at = headerLength + ColourTableLength(bytes[10]);
        while (at < bytes.Length)
        {
            byte introducer = bytes[at++];
            if (introducer == 0x3B)
            {
                return null;
            }
            if (introducer == 0x21)
            {
                at++;
            }
            else if (introducer == 0x2C)
            {
                if (at + 9 > bytes.Length)
                {
                    break;
                }
                at += 9 + ColourTableLength(bytes[at + 8]) + 1;
            }
            else
            {
                return null;
            }
            while (at < bytes.Length && bytes[at] != 0)
            {
                at += bytes[at] + 1;
            }
            at++;
        }
        return $"{CutShort}: it ends without the trailer that closes a GIF.";
    }

    private static int ColourTableLength(byte flags) => (flags & 0x80) == 0 ? 0 : 3 << ((flags & 0x07) + 1);

    /// <summary>An uncompressed BMP needs its pixel offset plus one padded row per line of the image.</summary>
    private static string? CheckBmp(byte[] bytes)
    {
        if (bytes.Length < 30)
        {
            return $"{CutShort}: it ends inside the BMP header.";
        }
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(10));
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(14));
        long width, height;
        int bitsPerPixel, compression = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18));
            height = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(24));
        }
        else
        {
            if (bytes.Length < 34)
            {
                return $"{CutShort}: it ends inside the BMP header.";
            }
            width = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(18));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(22)));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
            compression = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(30));
        }
        // Run-length and embedded JPEG or PNG data have no fixed length; 0 is plain rows, 3 and 6 are bit fields.
        if (compression is not (0 or 3 or 6) || width <= 0)
        {
            return null;
        }
        long expected = offset + height * ((width * bitsPerPixel + 31) / 32 * 4);
        return bytes.Length >= expected
            ? null
            : $"{CutShort}: its rows need {expected:N0} bytes, but the file holds {bytes.Length:N0}.";
    }

    /// <summary>The RIFF container states its own length in bytes 4 to 7, after the first eight bytes.</summary>
    private static string? CheckWebp(byte[] bytes)
    {
        if (bytes.Length < 12)
        {
            return $"{CutShort}: it ends inside the WebP header.";
        }
        long expected = 8L + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        return bytes.Length >= expected
            ? null
            : $"{CutShort}: its RIFF header declares {expected:N0} bytes, but the file holds {bytes.Length:N0}.";
    }
}
