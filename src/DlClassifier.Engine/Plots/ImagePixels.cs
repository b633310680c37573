namespace DlClassifier.Engine.Plots;

/// <summary>
/// Conversions from the engine's float images (height × width × channels, values 0 to 1) to 8-bit RGB.
/// </summary>
internal static class ImagePixels
{
    /// <summary>Checks that <paramref name="image"/> holds exactly one height × width × channels image.</summary>
    /// <param name="image">The pixel values, channels last.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="channels">1 for grey, 3 for RGB.</param>
    /// <param name="parameterName">The parameter named in an exception.</param>
    public static void Validate(float[] image, int width, int height, int channels, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(image, parameterName);
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException(
                $"An image needs a positive width and height, but got {width}×{height}.", parameterName);
        }

        if (channels != 1 && channels != 3)
        {
            throw new ArgumentException(
                $"An image needs 1 (grey) or 3 (RGB) channels, but got {channels}.", parameterName);
        }

        if (image.Length != (long)width * height * channels)
        {
            throw new ArgumentException(
                $"A {width}×{height} image with {channels} channel(s) needs {(long)width * height * channels} " +
                $"values, but got {image.Length}.",
                parameterName);
        }
    }

    /// <summary>
    /// Converts a validated float image to interleaved 8-bit RGB, repeating a grey channel three times.
    /// </summary>
    /// <param name="image">The pixel values, channels last.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="channels">1 for grey, 3 for RGB.</param>
    public static byte[] ToRgb(float[] image, int width, int height, int channels)
    {
        var pixelCount = width * height;
        var rgb = new byte[pixelCount * 3];
        for (var pixel = 0; pixel < pixelCount; pixel++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                var source = channels == 1 ? pixel : pixel * 3 + channel;
                rgb[pixel * 3 + channel] = ToByte(image[source]);
            }
        }

        return rgb;
    }

    /// <summary>
    /// Maps 0..1 to 0..255, rounding to nearest; values outside are clamped and non-finite values become 0.
    /// </summary>
    /// <param name="value">The intensity.</param>
    public static byte ToByte(double value)
    {
        if (!double.IsFinite(value))
        {
            return 0;
        }

        return (byte)Math.Round(Math.Clamp(value, 0, 1) * 255, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// Enlarges an interleaved RGB image by a whole factor, repeating each pixel, so that small images stay
    /// crisp instead of blurred.
    /// </summary>
    /// <param name="rgb">Interleaved RGB bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="factor">The whole-number scale, at least 1.</param>
    public static byte[] UpscaleNearest(byte[] rgb, int width, int height, int factor)
    {
        if (factor == 1)
        {
            return rgb;
        }

        var scaledWidth = width * factor;
        var scaled = new byte[scaledWidth * height * factor * 3];
        for (var y = 0; y < height * factor; y++)
        {
            var sourceRow = y / factor * width;
            for (var x = 0; x < scaledWidth; x++)
            {
                var source = (sourceRow + x / factor) * 3;
                var target = (y * scaledWidth + x) * 3;
                scaled[target] = rgb[source];
                scaled[target + 1] = rgb[source + 1];
                scaled[target + 2] = rgb[source + 2];
            }
        }

        return scaled;
    }
}
