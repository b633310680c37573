using DlClassifier.Engine.Data;

namespace DlClassifier.Engine.Training;

/// <summary>
/// Images decoded once into the classifier's input layout (channels × height × width, 0..1), so that
/// epochs after the first cost no decoding.
/// </summary>
internal sealed class ImageCache
{
    private ImageCache(float[][] images, int[] labels, DlSample[] samples)
    {
        Images = images;
        Labels = labels;
        Samples = samples;
    }

    public float[][] Images { get; }

    public int[] Labels { get; }

    public DlSample[] Samples { get; }

    public int Count => Images.Length;

    /// <summary>Decodes the samples in parallel; labels are mapped to the classifier's classes by name.</summary>
    /// <exception cref="InvalidDataException">An image cannot be read.</exception>
    /// <exception cref="UnknownClassException">A class is unknown to the classifier.</exception>
    public static ImageCache Load(DlClassifier classifier, IReadOnlyList<DlSample> samples, string activity,
        IEngineReporter reporter, CancellationToken cancellation)
    {
        int[] labels = LabelsFor(classifier, samples);
        var images = new float[samples.Count][];
        int done = 0;
        ParallelReader.For(samples.Count, cancellation, i =>
        {
            images[i] = ImageReader.ReadPlanar(samples[i].Path, classifier.ImageWidth, classifier.ImageHeight,
                classifier.ImageChannels);
            int count = Interlocked.Increment(ref done);
            if (count % 200 == 0)
            {
                reporter.Progress(new ProgressUpdate(0, activity, $"{count} of {samples.Count} images", (double)count / samples.Count, null));
            }
        });
        reporter.Completed(0);
        return new ImageCache(images, labels, samples.ToArray());
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
