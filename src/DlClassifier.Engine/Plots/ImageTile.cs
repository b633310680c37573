using SkiaSharp;
using DlClassifier.Engine.IO;

namespace DlClassifier.Engine.Plots;

/// <summary>
/// Lays images out in a grid with a caption under each: samples of a data set, or the images a model got
/// most wrong with their true and predicted classes.
/// </summary>
public static class ImageTile
{
    /// <summary>Side in pixels of the square box each image is fitted into.</summary>
    internal const int ImageBox = 128;

    /// <summary>Space in pixels around each image box and its caption.</summary>
    internal const int Padding = 6;

    /// <summary>Height in pixels of one caption line.</summary>
    internal const int LineHeight = 16;

    private const float FontSize = 12;

    /// <summary>
    /// Writes a PNG of <paramref name="tiles"/>, row by row, replacing any file at <paramref name="path"/> in
    /// one step.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created if missing.</param>
    /// <param name="tiles">The images, each height × width × channels with channels last, values 0 to 1, 1 or 3
    /// channels, and a caption; a caption may hold several lines separated by <c>\n</c>.</param>
    /// <param name="columns">Tiles per row; fewer are used when there are fewer tiles.</param>
    /// <remarks>
    /// Each image is fitted into a 128-pixel square: a smaller one is enlarged by the largest whole factor
    /// that fits, repeating pixels so that it stays crisp; a larger one is reduced smoothly. Caption lines too
    /// wide for the tile are shortened with an ellipsis.
    /// </remarks>
    /// <exception cref="ArgumentException">There is no tile, or a tile's size does not match its array or has
    /// a channel count other than 1 or 3.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="columns"/> is less than 1.</exception>
    public static void Write(string path,
        IReadOnlyList<(float[] Image, int Width, int Height, int Channels, string Caption)> tiles, int columns = 8)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (tiles.Count == 0)
        {
            throw new ArgumentException("An image tile needs at least one image.", nameof(tiles));
        }

        for (var index = 0; index < tiles.Count; index++)
        {
            var tile = tiles[index];
            ImagePixels.Validate(tile.Image, tile.Width, tile.Height, tile.Channels, $"{nameof(tiles)}[{index}]");
        }

        var captionLines = tiles.Select(tile => SplitCaption(tile.Caption)).ToArray();
        var lineCount = Math.Max(1, captionLines.Max(lines => lines.Length));
        var cellWidth = ImageBox + 2 * Padding;
        var cellHeight = ImageBox + 2 * Padding + lineCount * LineHeight;
        var usedColumns = Math.Min(columns, tiles.Count);
        var rows = (tiles.Count + usedColumns - 1) / usedColumns;

        using var bitmap = new SKBitmap(new SKImageInfo(
            usedColumns * cellWidth, rows * cellHeight, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);

        using var typeface = PlotFonts.CreateTypeface(bold: false);
        using var font = new SKFont(typeface, FontSize);
        using var textPaint = new SKPaint { Color = SKColors.Black, IsAntialias = true };

        for (var index = 0; index < tiles.Count; index++)
        {
            var left = index % usedColumns * cellWidth;
            var top = index / usedColumns * cellHeight;
            DrawImage(canvas, tiles[index], left + Padding, top + Padding);

            var baseline = top + Padding + ImageBox + LineHeight - 3;
            foreach (var line in captionLines[index])
            {
                var fitted = FitText(line, font, ImageBox + Padding);
                canvas.DrawText(fitted, left + cellWidth / 2f, baseline, SKTextAlign.Center, font, textPaint);
                baseline += LineHeight;
            }
        }

        canvas.Flush();
        using var snapshot = SKImage.FromBitmap(bitmap);
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.SaveTo);
    }

    /// <summary>
    /// The size an image of <paramref name="width"/> × <paramref name="height"/> takes in its box, and whether
    /// it was enlarged by a whole factor (drawn with repeated pixels) rather than reduced.
    /// </summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    internal static (int Width, int Height, bool Enlarged) FittedSize(int width, int height)
    {
        var larger = Math.Max(width, height);
        if (larger <= ImageBox)
        {
            var factor = ImageBox / larger;
            return (width * factor, height * factor, true);
        }

        var scale = (double)ImageBox / larger;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)), false);
    }

    private static void DrawImage(SKCanvas canvas,
        (float[] Image, int Width, int Height, int Channels, string Caption) tile, int boxLeft, int boxTop)
    {
        var rgb = ImagePixels.ToRgb(tile.Image, tile.Width, tile.Height, tile.Channels);
        var rgba = new byte[tile.Width * tile.Height * 4];
        for (var pixel = 0; pixel < tile.Width * tile.Height; pixel++)
        {
            rgba[pixel * 4] = rgb[pixel * 3];
            rgba[pixel * 4 + 1] = rgb[pixel * 3 + 1];
            rgba[pixel * 4 + 2] = rgb[pixel * 3 + 2];
            rgba[pixel * 4 + 3] = byte.MaxValue;
        }

        var info = new SKImageInfo(tile.Width, tile.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba, info.RowBytes);
        var (width, height, enlarged) = FittedSize(tile.Width, tile.Height);
        var left = boxLeft + (ImageBox - width) / 2;
        var top = boxTop + (ImageBox - height) / 2;
        var sampling = enlarged
            ? new SKSamplingOptions(SKFilterMode.Nearest)
            : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        canvas.DrawImage(image, SKRect.Create(left, top, width, height), sampling);
    }

    private static string[] SplitCaption(string? caption)
    {
        return string.IsNullOrEmpty(caption) ? [] : caption.Replace("\r\n", "\n").Split('\n');
    }

    /// <summary>Shortens <paramref name="text"/> with an ellipsis until it is at most
    /// <paramref name="maximumWidth"/> pixels wide.</summary>
    private static string FitText(string text, SKFont font, float maximumWidth)
    {
        if (font.MeasureText(text) <= maximumWidth)
        {
            return text;
        }

        for (var length = text.Length - 1; length > 0; length--)
        {
            var shortened = text[..length] + "…";
            if (font.MeasureText(shortened) <= maximumWidth)
            {
                return shortened;
            }
        }

        return "…";
    }
}
