using DlClassifier.Engine.Data;

namespace DlClassifier.Engine.Training;

/// <summary>
/// Training or validation images in the classifier's input layout (channels × height × width), one byte per
/// value. As many as a memory budget allows are decoded once and kept; the others are decoded again whenever
/// they are needed, on worker threads a batch ahead, so that a data set larger than memory can still be trained.
/// </summary>
/// <remarks>
/// A kept image and a decoded one are the same bytes (see <see cref="PixelBytes"/>), so the budget changes the
/// speed of training, never its results. The images kept are the first ones, in sample order.
/// </remarks>
internal sealed class ImageCache
{
    private readonly byte[]?[] held;
    private readonly int width;
    private readonly int height;
    private readonly int channels;

    private ImageCache(byte[]?[] held, int[] labels, DlSample[] samples, long[] valueCounts, int width, int height,
        int channels)
    {
        this.held = held;
        Labels = labels;
        Samples = samples;
        ValueCounts = valueCounts;
        this.width = width;
        this.height = height;
        this.channels = channels;
    }

    public int[] Labels { get; }

    public DlSample[] Samples { get; }

    public int Count => Samples.Length;

    /// <summary>How many images are kept in memory.</summary>
    public int HeldCount => held.Count(image => image is not null);

    /// <summary>The memory the kept images take, in bytes.</summary>
    public long HeldBytes => (long)HeldCount * ImageSize;

    /// <summary>How often each byte value occurs in each channel over all images: [channel · 256 + value].</summary>
    public long[] ValueCounts { get; }

    private int ImageSize => channels * height * width;

    /// <summary>
    /// Decodes every sample once, in parallel, to prove it readable and to count its values, and keeps the
    /// first ones that fit in <paramref name="budgetBytes"/>. Labels are mapped to the classifier's classes
    /// by name.
    /// </summary>
    /// <exception cref="InvalidDataException">An image cannot be read.</exception>
    /// <exception cref="UnknownClassException">A class is unknown to the classifier.</exception>
    public static ImageCache Load(DlClassifier classifier, IReadOnlyList<DlSample> samples, long budgetBytes,
        string activity, IEngineReporter reporter, CancellationToken cancellation)
    {
        int[] labels = LabelsFor(classifier, samples);
        int width = classifier.ImageWidth, height = classifier.ImageHeight, channels = classifier.ImageChannels;
        long imageSize = (long)channels * height * width;
        long keep = Math.Min(samples.Count, Math.Max(0, budgetBytes) / imageSize);
        var held = new byte[]?[samples.Count];
        var valueCounts = new long[channels * 256];
        int done = 0;
        ParallelReader.For(samples.Count, cancellation, i =>
        {
            byte[] image = Decode(samples[i].Path, width, height, channels);
            if (i < keep)
            {
                held[i] = image;
            }
            CountValues(image, channels, valueCounts);
            int count = Interlocked.Increment(ref done);
            if (count % 200 == 0)
            {
                reporter.Progress(new ProgressUpdate(0, activity, $"{count} of {samples.Count} images",
                    (double)count / samples.Count, null));
            }
        });
        reporter.Completed(0);
        return new ImageCache(held, labels, samples.ToArray(), valueCounts, width, height, channels);
    }

    /// <summary>Maps each sample's class name to the classifier's output index.</summary>
    public static int[] LabelsFor(DlClassifier classifier, IReadOnlyList<DlSample> samples)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classifier.ClassNames.Length; i++)
        {
            index[classifier.ClassNames[i]] = i;
        }
        var labels = new int[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            if (!index.TryGetValue(samples[i].ClassName, out labels[i]))
            {
                throw new UnknownClassException(samples[i].ClassName, samples[i].Path, classifier.ClassNames);
            }
        }
        return labels;
    }

    /// <summary>
    /// The images of each batch in turn. Images not kept are decoded on worker threads while the batch before
    /// is being used; a failure to read one surfaces when its batch is taken.
    /// </summary>
    /// <exception cref="InvalidDataException">An image can no longer be read.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public IEnumerable<byte[][]> InBatches(IReadOnlyList<int[]> batches, CancellationToken cancellation)
    {
        if (batches.Count == 0)
        {
            yield break;
        }
        Task<byte[][]>? pending = Fetch(batches[0], cancellation);
        try
        {
            for (int b = 0; b < batches.Count; b++)
            {
                byte[][] images = pending!.GetAwaiter().GetResult();
                pending = b + 1 < batches.Count ? Fetch(batches[b + 1], cancellation) : null;
                yield return images;
            }
        }
        finally
        {
            // A batch read ahead for a loop that ended early is left to finish on its own; its failure, if any,
            // has no one left to tell.
            pending?.ContinueWith(static task => _ = task.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private Task<byte[][]> Fetch(int[] indices, CancellationToken cancellation)
    {
        if (indices.All(i => held[i] is not null))
        {
            return Task.FromResult(indices.Select(i => held[i]!).ToArray());
        }
        return Task.Run(() =>
        {
            var images = new byte[indices.Length][];
            ParallelReader.For(indices.Length, cancellation,
                i => images[i] = held[indices[i]] ?? Decode(Samples[indices[i]].Path, width, height, channels));
            return images;
        }, cancellation);
    }

    // The images of a data set passed the pixel limit of their import, which may have been raised.
    private static byte[] Decode(string path, int width, int height, int channels) =>
        PixelBytes.FromUnit(ImageReader.ReadImported(path, width, height, channels));

    private static void CountValues(byte[] image, int channels, long[] valueCounts)
    {
        var counts = new int[channels * 256];
        int plane = image.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            for (int i = c * plane; i < (c + 1) * plane; i++)
            {
                counts[c * 256 + image[i]]++;
            }
        }
        lock (valueCounts)
        {
            for (int i = 0; i < counts.Length; i++)
            {
                valueCounts[i] += counts[i];
            }
        }
    }
}

/// <summary>A sample's class is not one of the classifier's classes.</summary>
public sealed class UnknownClassException : ArgumentException
{
    public UnknownClassException(string className, string path, IReadOnlyList<string> known)
        : base($"The class '{className}' of '{path}' is not one of the classifier's classes " +
               $"({string.Join(", ", known)}). Train a classifier that knows it, or leave those images out.")
    {
        ClassName = className;
        Path = path;
    }

    public string ClassName { get; }

    public string Path { get; }
}
