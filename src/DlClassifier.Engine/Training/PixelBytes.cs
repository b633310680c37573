namespace DlClassifier.Engine.Training;

/// <summary>
/// Converts between the 0 to 1 floats of <see cref="Data.ImageReader.ReadPlanar"/> and one byte per value.
/// </summary>
/// <remarks>
/// The reader converts every image to 8 bits per channel (16-bit images are scaled down) and returns k / 255
/// for a value k, so a byte holds a value without loss and the conversion back gives the very same float. The
/// cache relies on this to keep images in a quarter of the memory with identical training results.
/// </remarks>
internal static class PixelBytes
{
    /// <summary>k / 255 for every byte k, computed as the reader computes it.</summary>
    private static readonly float[] UnitValues = Enumerable.Range(0, 256).Select(k => k / 255f).ToArray();

    /// <summary>The byte of each value, rounded to the nearest of the 256 steps and clipped to 0 to 255.</summary>
    public static byte[] FromUnit(float[] values)
    {
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[i] = (byte)Math.Clamp(MathF.Round(values[i] * 255f), 0f, 255f);
        }
        return bytes;
    }

    /// <summary>Writes k / 255 for every byte k of <paramref name="source"/> into <paramref name="target"/>.</summary>
    public static void ToUnit(ReadOnlySpan<byte> source, Span<float> target)
    {
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = UnitValues[source[i]];
        }
    }

    /// <summary>A new float image of k / 255 for every byte k.</summary>
    public static float[] ToUnit(byte[] source)
    {
        var values = new float[source.Length];
        ToUnit(source, values);
        return values;
    }
}
