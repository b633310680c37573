using DlClassifier.Engine.Data;
using DlClassifier.Engine.Plots;

namespace DlClassifier.Engine.Training;

/// <summary>One image of an augmentation preview: the sample it shows and what was done to it.</summary>
public sealed class DlAugmentationSample
{
    /// <summary>The position in the preview, counted from 1, row by row.</summary>
    public required int Index { get; init; }

    /// <summary>The image file the sample was read from.</summary>
    public required string Path { get; init; }

    public required string ClassName { get; init; }

    /// <summary>False when the augmentation percentage left the image as it is.</summary>
    public bool Augmented => Draw.Augmented;

    /// <summary>The changes in short words, in the order they were applied; empty when there were none.</summary>
    public required string[] Distortions { get; init; }

    /// <summary>The random changes in numbers.</summary>
    public required AugmentationDraw Draw { get; init; }

    /// <summary>The PNG the image was drawn into.</summary>
    public required string PreviewPath { get; init; }

    public override string ToString() => $"{Index}: {System.IO.Path.GetFileName(Path)} ({Draw})";
}

/// <summary>
/// Shows what augmentation does to training images: some are read at the classifier's input size, changed
/// exactly as training would change them, and drawn in a grid with their changes written under each.
/// </summary>
public static class AugmentationPreview
{
    /// <summary>Caption lines are filled with changes up to this many characters, which fit under a tile.</summary>
    private const int CaptionLineLength = 22;

    /// <summary>
    /// Augments <paramref name="count"/> images with the classifier's parameters and writes them into a PNG.
    /// </summary>
    /// <param name="classifier">Gives the input size and the augmentation parameters.</param>
    /// <param name="dataSet">The images are taken from its training split, or from all samples if it has none.</param>
    /// <param name="count">How many images to show; when the data set has fewer, images are shown again with
    /// other changes.</param>
    /// <param name="seed">Chooses the images and the changes; the same seed gives the same preview.</param>
    /// <param name="path">The PNG file to write; its folder is created if missing.</param>
    /// <param name="cancellation">Stops the reading of images.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">The data set has no images.</exception>
    /// <exception cref="InvalidDataException">An image cannot be read.</exception>
    public static IReadOnlyList<DlAugmentationSample> Write(DlClassifier classifier, DlDataSet dataSet, int count,
        int seed, string path, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        IReadOnlyList<DlSample> training = dataSet.InSplit(SampleSplit.Training);
        IReadOnlyList<DlSample> pool = training.Count > 0 ? training : dataSet.Samples;
        if (pool.Count == 0)
        {
            throw new InvalidOperationException("The data set has no images to show. Import some first.");
        }
        DlClassifierParam parameters = classifier.Parameters.Clone();
        parameters.Validate();

        var random = new Random(seed);
        int[] order = Enumerable.Range(0, pool.Count).ToArray();
        random.Shuffle(order);
        DlSample[] chosen = Enumerable.Range(0, count).Select(i => pool[order[i % order.Length]]).ToArray();
        int width = classifier.ImageWidth, height = classifier.ImageHeight, channels = classifier.ImageChannels;
        var images = new byte[Math.Min(count, pool.Count)][];
        // The images of a data set passed the pixel limit of their import, which may have been raised.
        ParallelReader.For(images.Length, cancellation, i => images[i] = PixelBytes.FromUnit(
            ImageReader.ReadImported(chosen[i].Path, width, height, channels)));

        var augmenter = new BatchAugmenter(channels, height, width, parameters);
        var buffer = new float[augmenter.ImageSize];
        var tiles = new List<(float[] Image, int Width, int Height, int Channels, string Caption)>();
        var samples = new List<DlAugmentationSample>();
        for (int i = 0; i < count; i++)
        {
            AugmentationDraw draw = augmenter.Write(images[i % images.Length], buffer, 0, random);
            string[] distortions = draw.Describe().ToArray();
            string caption = System.IO.Path.GetFileName(chosen[i].Path) + "\n" + CaptionOf(distortions);
            tiles.Add((ChannelsLast(buffer, width, height, channels), width, height, channels, caption));
            samples.Add(new DlAugmentationSample
            {
                Index = i + 1, Path = chosen[i].Path, ClassName = chosen[i].ClassName, Distortions = distortions,
                Draw = draw, PreviewPath = path,
            });
        }

        int columns = Math.Min(8, (int)Math.Ceiling(Math.Sqrt(count)));
        ImageTile.Write(path, tiles, columns);
        return samples;
    }

    /// <summary>The changes joined by commas into lines short enough for a tile, or "unchanged".</summary>
    internal static string CaptionOf(IReadOnlyList<string> distortions)
    {
        if (distortions.Count == 0)
        {
            return "unchanged";
        }
        var lines = new List<string>();
        string line = "";
        foreach (string distortion in distortions)
        {
            if (line.Length == 0)
            {
                line = distortion;
            }
            else if (line.Length + 2 + distortion.Length <= CaptionLineLength)
            {
                line += ", " + distortion;
            }
            else
            {
                lines.Add(line);
                line = distortion;
            }
        }
        lines.Add(line);
        return string.Join("\n", lines);
    }

    /// <summary>Reorders a planar image (channels × height × width) to height × width × channels.</summary>
    private static float[] ChannelsLast(float[] planar, int width, int height, int channels)
    {
        int plane = width * height;
        var interleaved = new float[plane * channels];
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < plane; i++)
            {
                interleaved[i * channels + c] = planar[c * plane + i];
            }
        }
        return interleaved;
    }
}
