using DlClassifier.Engine.Data;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Inference;

/// <summary>Classifies image files, reading and predicting them batch by batch so memory stays flat.</summary>
public static class ImageClassifier
{
    /// <summary>Images per batch: large enough to use the cores well, small enough to keep memory low.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>
    /// Class probabilities of each file, in the order given, scaled by the classifier's
    /// <see cref="DlClassifier.Temperature"/>.
    /// </summary>
    /// <param name="maxPixels">The largest width × height a file may declare. Null (the default) for the files of a
    /// data set, which passed their import's limit and completeness check.</param>
    /// <exception cref="InvalidDataException">A file is not a readable image.</exception>
    /// <exception cref="ImageTooLargeException">A file declares more than <paramref name="maxPixels"/>.</exception>
    public static float[][] Probabilities(DlClassifier classifier, IReadOnlyList<string> paths, string activity,
        IEngineReporter reporter, CancellationToken cancellation, int batchSize = DefaultBatchSize,
        long? maxPixels = null) =>
        Run(classifier, paths, activity, reporter, cancellation, batchSize, logits: false, maxPixels);

    /// <summary>The network's raw outputs (logits) for each file, in the order given, before any temperature.</summary>
    /// <exception cref="InvalidDataException">A file is not a readable image.</exception>
    public static float[][] Logits(DlClassifier classifier, IReadOnlyList<string> paths, string activity,
        IEngineReporter reporter, CancellationToken cancellation, int batchSize = DefaultBatchSize) =>
        Run(classifier, paths, activity, reporter, cancellation, batchSize, logits: true, maxPixels: null);

    /// <summary>Predictions for a batch of files.</summary>
    /// <param name="classifier">The classifier, at its temperature.</param>
    /// <param name="paths">The image files, all predicted in one batch.</param>
    /// <param name="cancellation">Checked before the batch.</param>
    /// <param name="rejectBelow">
    /// A prediction whose confidence is below this is marked uncertain and gets an empty class name; its best
    /// guess stays in <see cref="DlPrediction.TopClass"/>. 0 marks none.
    /// </param>
    /// <param name="maxPixels">The largest width × height a file may declare in its header; a larger file is
    /// refused before its pixels are decoded.</param>
    /// <exception cref="InvalidDataException">A file is not a readable image.</exception>
    /// <exception cref="ImageTooLargeException">A file declares more than <paramref name="maxPixels"/>.</exception>
    public static IReadOnlyList<DlPrediction> Predict(DlClassifier classifier, IReadOnlyList<string> paths,
        CancellationToken cancellation, double rejectBelow = 0, long maxPixels = ImageReader.DefaultMaxPixels)
    {
        float[][] probabilities = Probabilities(classifier, paths, "Classifying images", NullReporter.Instance,
            cancellation, Math.Max(1, paths.Count), maxPixels);
        var predictions = new DlPrediction[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            float[] p = probabilities[i];
            int best = Evaluator.ArgMax(p);
            var byClass = new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal);
            for (int c = 0; c < p.Length; c++)
            {
                byClass.Add(classifier.ClassNames[c], (double)p[c]);
            }
            bool uncertain = p[best] < rejectBelow;
            predictions[i] = new DlPrediction
            {
                Path = paths[i], ClassName = uncertain ? "" : classifier.ClassNames[best],
                TopClass = classifier.ClassNames[best], Confidence = p[best], IsUncertain = uncertain,
                Probabilities = byClass,
            };
        }
        return predictions;
    }

    private static float[][] Run(DlClassifier classifier, IReadOnlyList<string> paths, string activity,
        IEngineReporter reporter, CancellationToken cancellation, int batchSize, bool logits, long? maxPixels)
    {
        Device device = DeviceManager.Resolve(classifier.Parameters.Device, out _);
        var result = new float[paths.Count][];
        lock (classifier.Gate)
        {
            classifier.Network.to(device);
            for (int start = 0; start < paths.Count; start += batchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(batchSize, paths.Count - start);
                float[][] images = ReadBatch(classifier, paths, start, count, maxPixels, cancellation);
                float[][] batch = logits
                    ? Predictor.Logits(classifier, images, device, batchSize, cancellation)
                    : Predictor.Probabilities(classifier, images, device, batchSize, cancellation,
                        temperature: classifier.Temperature);
                batch.CopyTo(result, start);
                reporter.Progress(new ProgressUpdate(0, activity, $"{start + count} of {paths.Count} images",
                    (double)(start + count) / paths.Count, null));
            }
        }
        reporter.Completed(0);
        return result;
    }

    private static float[][] ReadBatch(DlClassifier classifier, IReadOnlyList<string> paths, int start, int count,
        long? maxPixels, CancellationToken cancellation)
    {
        var images = new float[count][];
        ParallelReader.For(count, cancellation, i =>
        {
            (string path, int width, int height) = (paths[start + i], classifier.ImageWidth, classifier.ImageHeight);
            images[i] = maxPixels is null
                ? ImageReader.ReadImported(path, width, height, classifier.ImageChannels)
                : ImageReader.ReadPlanar(path, width, height, classifier.ImageChannels, maxPixels.Value);
        });
        return images;
    }
}
