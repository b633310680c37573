using System.Globalization;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Explanations;
using DlClassifier.Engine.Plots;

namespace DlClassifier.Engine.Evaluation;

/// <summary>Reads images for a tiled overview of evaluation results, each with its verdict as caption.</summary>
public static class ImageResultTiles
{
    /// <summary>The longest side an image is read at; the tile shows it at 128 pixels at most anyway.</summary>
    private const int LargestSide = 256;

    /// <summary>
    /// "true → predicted" over "(confidence)", the confidence as a whole percentage. Two lines, because class
    /// names such as "Pullover → T-shirt_top" already fill the 128-pixel width of a tile.
    /// </summary>
    public static string Caption(string trueClass, string predictedClass, double confidence) =>
        $"{trueClass} → {predictedClass}\n({Math.Round(100 * confidence, MidpointRounding.AwayFromZero)
            .ToString("0", CultureInfo.InvariantCulture)} %)";

    /// <summary>
    /// Reads an image file at its own size and colour layout, reduced to at most 256 pixels a side with its
    /// proportions kept, as a tile for <see cref="ImageTile.Write"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is missing or not a readable image.</exception>
    public static (float[] Image, int Width, int Height, int Channels, string Caption) Read(string path,
        string caption)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"'{path}' cannot be read: the file does not exist.");
        }
        ImageShape shape = ImageReader.Inspect(path).Shape;
        double scale = Math.Min(1.0, (double)LargestSide / Math.Max(shape.Width, shape.Height));
        int width = Math.Max(1, (int)Math.Round(shape.Width * scale));
        int height = Math.Max(1, (int)Math.Round(shape.Height * scale));
        float[] planar = ImageReader.ReadPlanar(path, width, height, shape.Channels);
        return (GradCam.ToInterleaved(planar, shape.Channels), width, height, shape.Channels, caption);
    }
}
