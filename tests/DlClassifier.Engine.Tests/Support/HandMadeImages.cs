using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace DlClassifier.Engine.Tests.Support;

/// <summary>
/// Builds image files byte by byte, for what ImageSharp 2.1 cannot encode: progressive and CMYK JPEGs, and PNG
/// headers that declare a size the file does not hold.
/// </summary>
public static class HandMadeImages
{
    /// <summary>
    /// A progressive JPEG of flat 8×8 blocks, with all quantisation factors 1 and only a DC scan. A flat block of
    /// value v has the single coefficient DC = 8·(v − 128), so every sample decodes back to v exactly.
    /// </summary>
    /// <param name="blocksWide">The width in blocks; the image is 8 times as wide.</param>
    /// <param name="blocksHigh">The height in blocks.</param>
    /// <param name="blockValues">Per component, the value of each block in rows from the top left.</param>
    /// <param name="adobeCmyk">Adds the Adobe marker that declares four components as CMYK, untransformed.</param>
    public static byte[] ProgressiveJpeg(int blocksWide, int blocksHigh, byte[][] blockValues, bool adobeCmyk = false)
    {
        int components = blockValues.Length;
        var file = new List<byte> { 0xFF, 0xD8 };
        if (adobeCmyk)
        {
            // "Adobe", version 100, two flag words, colour transform 0 (none: the components are C, M, Y, K).
            file.AddRange(Segment(0xEE, Encoding.ASCII.GetBytes("Adobe").Concat(new byte[] { 0, 100, 0, 0, 0, 0, 0 })));
        }
        file.AddRange(Segment(0xDB, new byte[] { 0 }.Concat(Enumerable.Repeat((byte)1, 64))));

        var frame = new List<byte> { 8, (byte)(blocksHigh * 8 >> 8), (byte)(blocksHigh * 8),
            (byte)(blocksWide * 8 >> 8), (byte)(blocksWide * 8), (byte)components };
        for (int c = 0; c < components; c++)
        {
            frame.AddRange(new byte[] { (byte)(c + 1), 0x11, 0 });
        }
        file.AddRange(Segment(0xC2, frame));

        // One DC table in which the 12 difference categories 0..11 all have 4-bit codes equal to the category.
        var counts = new byte[16];
        counts[3] = 12;
        byte[] symbols = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        file.AddRange(Segment(0xC4, new byte[] { 0x00 }.Concat(counts).Concat(symbols)));

        var scan = new List<byte> { (byte)components };
        for (int c = 0; c < components; c++)
        {
            scan.AddRange(new byte[] { (byte)(c + 1), 0x00 });
        }
        scan.AddRange(new byte[] { 0, 0, 0 });
        file.AddRange(Segment(0xDA, scan));

        var bits = new BitWriter();
        var previous = new int[components];
        for (int block = 0; block < blocksWide * blocksHigh; block++)
        {
            for (int c = 0; c < components; c++)
            {
                int dc = 8 * (blockValues[c][block] - 128);
                bits.WriteDifference(dc - previous[c]);
                previous[c] = dc;
            }
        }
        file.AddRange(bits.Finish());
        file.AddRange(new byte[] { 0xFF, 0xD9 });
        return file.ToArray();
    }

    /// <summary>
    /// A PNG whose header declares <paramref name="width"/> × <paramref name="height"/> 8-bit grey pixels but
    /// whose data is a few bytes: the shape of a decompression bomb, with valid checksums throughout.
    /// </summary>
    public static byte[] PngDeclaringSize(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        // An empty zlib stream (stored, final block of length 0), far too short for the declared rows.
        byte[] data = Convert.FromHexString("78DA010000FFFF00000001");
        return Convert.FromHexString("89504E470D0A1A0A")
            .Concat(PngChunk("IHDR", header))
            .Concat(PngChunk("IDAT", data))
            .Concat(PngChunk("IEND", Array.Empty<byte>()))
            .ToArray();
    }

    /// <summary>
    /// A PNG whose header declares <paramref name="width"/> × <paramref name="height"/> 8-bit grey pixels but
    /// whose well-formed zlib stream holds only the first <paramref name="rows"/> rows, closed by IEND and with
    /// valid checksums: a file that ImageSharp 2.1 loads, filling the missing rows.
    /// </summary>
    public static byte[] PngWithRows(int width, int height, int rows)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        var raw = new byte[rows * (1 + width)];
        for (int i = 0; i < raw.Length; i++)
        {
            // Filter type 0 at the start of each row, then a gradient.
            raw[i] = i % (1 + width) == 0 ? (byte)0 : (byte)(i * 5);
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }
        return Convert.FromHexString("89504E470D0A1A0A")
            .Concat(PngChunk("IHDR", header))
            .Concat(PngChunk("IDAT", compressed.ToArray()))
            .Concat(PngChunk("IEND", Array.Empty<byte>()))
            .ToArray();
    }

    private static byte[] Segment(byte marker, IEnumerable<byte> body)
    {
        byte[] content = body.ToArray();
        int length = content.Length + 2;
        return new byte[] { 0xFF, marker, (byte)(length >> 8), (byte)length }.Concat(content).ToArray();
    }

    private static byte[] PngChunk(string type, byte[] data)
    {
        byte[] typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        typeAndData.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(typeAndData));
        return chunk;
    }

    /// <summary>The CRC-32 of PNG chunks (polynomial 0xEDB88320, reflected), computed bit by bit.</summary>
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }

    /// <summary>Packs Huffman-coded DC differences into bytes, most significant bit first, with 0xFF stuffed.</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> bytes = new();
        private int current;
        private int used;

        public void WriteDifference(int difference)
        {
            int magnitude = Math.Abs(difference);
            int category = magnitude == 0 ? 0 : 32 - int.LeadingZeroCount(magnitude);
            Write(category, 4);
            // A negative difference is stored as its one's complement in the category's width.
            Write(difference >= 0 ? difference : difference + (1 << category) - 1, category);
        }

        public byte[] Finish()
        {
            // The last byte is padded with one bits, as the standard asks.
            while (used != 0)
            {
                Write(1, 1);
            }
            return bytes.ToArray();
        }

        private void Write(int value, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                current = (current << 1) | ((value >> i) & 1);
                if (++used == 8)
                {
                    bytes.Add((byte)current);
                    if (current == 0xFF)
                    {
                        bytes.Add(0x00);
                    }
                    current = 0;
                    used = 0;
                }
            }
        }
    }
}
