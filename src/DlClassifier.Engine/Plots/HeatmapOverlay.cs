using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.IO;

namespace DlClassifier.Engine.Plots;

/// <summary>
/// Shows where a classifier looked: an image beside the same image tinted by a heat map (a saliency or
/// class-activation map), coloured with the jet colour map from blue (cold) to red (hot).
/// </summary>
public static class HeatmapOverlay
{
    /// <summary>The smaller side of each panel is enlarged to at least this many pixels.</summary>
    internal const int MinimumSide = 224;

    /// <summary>Width in pixels of the white strip between the two panels.</summary>
    internal const int PanelGap = 8;

    /// <summary>
    /// Writes a PNG with the original image on the left and the image blended with the coloured heat map on
    /// the right, replacing any file at <paramref name="path"/> in one step.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created if missing.</param>
    /// <param name="image">The image, height × width × channels, channels last, values 0 to 1.</param>
    /// <param name="width">Width of <paramref name="image"/> in pixels.</param>
    /// <param name="height">Height of <paramref name="image"/> in pixels.</param>
    /// <param name="channels">1 for grey, 3 for RGB.</param>
    /// <param name="heat">The heat map, <paramref name="heatHeight"/> × <paramref name="heatWidth"/>, row by
    /// row, values 0 (cold) to 1 (hot); values outside are clamped, NaN and infinities count as 0.</param>
    /// <param name="heatWidth">Width of <paramref name="heat"/>.</param>
    /// <param name="heatHeight">Height of <paramref name="heat"/>.</param>
    /// <param name="alpha">Weight of the colour map in the blend: 0 shows only the image, 1 only the map.</param>
    /// <remarks>
    /// The heat map is resized bilinearly to the image's size (pixel centres aligned, as in most deep-learning
    /// libraries' interpolation without corner alignment), coloured with <see cref="ColorMap"/>, and blended
    /// as <c>(1 - alpha) · image + alpha · colour</c>. Both panels are then enlarged by the same whole factor,
    /// repeating pixels, until the smaller side is at least 224 pixels, so a 28×28 digit stays crisp.
    /// </remarks>
    /// <exception cref="ArgumentException">A size does not match its array, <paramref name="channels"/> is not
    /// 1 or 3, or <paramref name="alpha"/> is outside 0 to 1.</exception>
    public static void Write(string path, float[] image, int width, int height, int channels,
        float[] heat, int heatWidth, int heatHeight, double alpha = 0.5)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ImagePixels.Validate(image, width, height, channels, nameof(image));
        ArgumentNullException.ThrowIfNull(heat);
        if (heatWidth <= 0 || heatHeight <= 0 || heat.Length != (long)heatWidth * heatHeight)
        {
            throw new ArgumentException(
                $"A {heatWidth}×{heatHeight} heat map needs that many values and a positive size, " +
                $"but got {heat.Length} values.",
                nameof(heat));
        }

        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The blend weight must be from 0 to 1.");
        }

        var original = ImagePixels.ToRgb(image, width, height, channels);
        var resizedHeat = ResizeBilinear(heat, heatWidth, heatHeight, width, height);
        var blended = Blend(original, resizedHeat, alpha);

        var factor = UpscaleFactor(width, height);
        var left = ImagePixels.UpscaleNearest(original, width, height, factor);
        var right = ImagePixels.UpscaleNearest(blended, width, height, factor);
        var panelWidth = width * factor;
        var panelHeight = height * factor;

        var canvasWidth = panelWidth * 2 + PanelGap;
        var canvas = new byte[canvasWidth * panelHeight * 3];
        Array.Fill(canvas, byte.MaxValue);
        for (var y = 0; y < panelHeight; y++)
        {
            var rowBytes = panelWidth * 3;
            Buffer.BlockCopy(left, y * rowBytes, canvas, y * canvasWidth * 3, rowBytes);
            Buffer.BlockCopy(right, y * rowBytes, canvas, (y * canvasWidth + panelWidth + PanelGap) * 3, rowBytes);
        }

        using var picture = Image.LoadPixelData<Rgb24>(canvas, canvasWidth, panelHeight);
        AtomicFile.Write(path, stream => picture.SaveAsPng(stream));
    }

    /// <summary>
    /// The jet colour map: dark blue at 0, through blue, cyan, green-yellow and yellow, to dark red at 1.
    /// </summary>
    /// <param name="value">A value from 0 to 1; values outside are clamped, NaN and infinities count as 0.</param>
    /// <returns>The colour as 8-bit red, green and blue.</returns>
    /// <remarks>
    /// Jet as defined by MATLAB: each channel is a trapezoid over the value,
    /// <c>red = clamp(1.5 - |4v - 3|)</c>, <c>green = clamp(1.5 - |4v - 2|)</c>,
    /// <c>blue = clamp(1.5 - |4v - 1|)</c>, clamped to 0..1 and scaled to 255 with rounding half away from
    /// zero. So 0 gives (0, 0, 128), 0.5 gives (128, 255, 128) and 1 gives (128, 0, 0).
    /// </remarks>
    public static (byte R, byte G, byte B) ColorMap(double value)
    {
        var v = double.IsFinite(value) ? Math.Clamp(value, 0, 1) : 0;
        return (
            ImagePixels.ToByte(1.5 - Math.Abs(4 * v - 3)),
            ImagePixels.ToByte(1.5 - Math.Abs(4 * v - 2)),
            ImagePixels.ToByte(1.5 - Math.Abs(4 * v - 1)));
    }

    /// <summary>The whole factor that brings the smaller side to at least <see cref="MinimumSide"/>.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    internal static int UpscaleFactor(int width, int height)
    {
        var smaller = Math.Min(width, height);
        return Math.Max(1, (MinimumSide + smaller - 1) / smaller);
    }

    /// <summary>
    /// Resizes a row-major map with bilinear interpolation, pixel centres aligned; NaN and infinities in the
    /// source count as 0.
    /// </summary>
    /// <param name="source">The map, <paramref name="sourceHeight"/> rows of <paramref name="sourceWidth"/>.</param>
    /// <param name="sourceWidth">Width of the source.</param>
    /// <param name="sourceHeight">Height of the source.</param>
    /// <param name="targetWidth">Width of the result.</param>
    /// <param name="targetHeight">Height of the result.</param>
    internal static float[] ResizeBilinear(float[] source, int sourceWidth, int sourceHeight,
        int targetWidth, int targetHeight)
    {
        var clean = source.Select(value => float.IsFinite(value) ? value : 0f).ToArray();
        return BilinearResize.Plane(clean, sourceWidth, sourceHeight, targetWidth, targetHeight);
    }

    private static byte[] Blend(byte[] rgb, float[] heat, double alpha)
    {
        var blended = new byte[rgb.Length];
        for (var pixel = 0; pixel < heat.Length; pixel++)
        {
            var (red, green, blue) = ColorMap(heat[pixel]);
            blended[pixel * 3] = Mix(rgb[pixel * 3], red, alpha);
            blended[pixel * 3 + 1] = Mix(rgb[pixel * 3 + 1], green, alpha);
            blended[pixel * 3 + 2] = Mix(rgb[pixel * 3 + 2], blue, alpha);
        }

        return blended;
    }

    private static byte Mix(byte image, byte colour, double alpha)
    {
        return (byte)Math.Round((1 - alpha) * image + alpha * colour, MidpointRounding.AwayFromZero);
    }
}
