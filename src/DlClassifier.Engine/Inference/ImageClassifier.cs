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

    /// <summary>Class probabilities of each file, in the order given.</summary>
    /// <exception cref="InvalidDataException">A file is not a readable image.</exception>
    public static float[][] Probabilities(DlClassifier classifier, IReadOnlyList<string> paths, string activity,
        IEngineReporter reporter, CancellationToken cancellation, int batchSize = DefaultBatchSize)
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
                float[][] images = ReadBatch(classifier, paths, start, count, cancellation);
                float[][] batch = Predictor.Probabilities(classifier, images, device, batchSize, cancellation);
                batch.CopyTo(result, start);
                reporter.Progress(new ProgressUpdate(0, activity, $"{start + count} of {paths.Count} images",
                    (double)(start + count) / paths.Count, null));
            }
        }
        reporter.Completed(0);
        return result;
    }

    /// <summary>Predictions for a batch of files.</summary>
    public static IReadOnlyList<DlPrediction> Predict(DlClassifier classifier, IReadOnlyList<string> paths,
        CancellationToken cancellation)
    {
        float[][] probabilities = Probabilities(classifier, paths, "Classifying images", NullReporter.Instance,
            cancellation, Math.Max(1, paths.Count));
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
            predictions[i] = new DlPrediction
            {
                Path = paths[i], ClassName = classifier.ClassNames[best], Confidence = p[best], Probabilities = byClass,
            };
        }
        return predictions;
    }

    private static float[][] ReadBatch(DlClassifier classifier, IReadOnlyList<string> paths, int start, int count,
        CancellationToken cancellation)
    {
        var images = new float[count][];
        ParallelReader.For(count, cancellation, i =>
        {
            images[i] = ImageReader.ReadPlanar(paths[start + i], classifier.ImageWidth, classifier.ImageHeight,
                classifier.ImageChannels);
        });
        return images;
    }
}
