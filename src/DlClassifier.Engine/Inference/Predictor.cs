using static TorchSharp.torch;

namespace DlClassifier.Engine.Inference;

/// <summary>Runs a classifier's network over images in evaluation mode, without gradients.</summary>
internal static class Predictor
{
    /// <summary>
    /// Class probabilities softmax(z / <paramref name="temperature"/>) for images already in the classifier's
    /// input layout. Batch norm runs on its stored statistics, so an image's probabilities do not depend on
    /// which images share its batch. A temperature only rescales the outputs, so the most probable class stays.
    /// </summary>
    public static float[][] Probabilities(DlClassifier classifier, IReadOnlyList<float[]> images, Device device,
        int batchSize, CancellationToken cancellation, Action<int>? onBatchDone = null, double temperature = 1) =>
        Run(classifier, images, device, batchSize, cancellation, onBatchDone,
            logits => nn.functional.softmax(logits / temperature, 1));

    /// <summary>The network's raw outputs (logits) for images already in the classifier's input layout.</summary>
    public static float[][] Logits(DlClassifier classifier, IReadOnlyList<float[]> images, Device device,
        int batchSize, CancellationToken cancellation, Action<int>? onBatchDone = null) =>
        Run(classifier, images, device, batchSize, cancellation, onBatchDone, logits => logits);

    private static float[][] Run(DlClassifier classifier, IReadOnlyList<float[]> images, Device device,
        int batchSize, CancellationToken cancellation, Action<int>? onBatchDone, Func<Tensor, Tensor> transform)
    {
        var result = new float[images.Count][];
        int classes = classifier.ClassNames.Length;
        classifier.Network.eval();
        using var noGrad = no_grad();
        for (int start = 0; start < images.Count; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, images.Count - start);
            using var scope = NewDisposeScope();
            Tensor input = Stack(classifier, images, start, count, device);
            float[] flat = transform(classifier.Network.forward(input)).cpu().data<float>().ToArray();
            for (int i = 0; i < count; i++)
            {
                result[start + i] = flat.AsSpan(i * classes, classes).ToArray();
            }
            onBatchDone?.Invoke(start + count);
        }
        return result;
    }

    /// <summary>Stacks images into a normalised batch tensor on the device.</summary>
    public static Tensor Stack(DlClassifier classifier, IReadOnlyList<float[]> images, int start, int count,
        Device device)
    {
        int size = classifier.ImageChannels * classifier.ImageHeight * classifier.ImageWidth;
        var buffer = new float[count * size];
        for (int i = 0; i < count; i++)
        {
            images[start + i].CopyTo(buffer, i * size);
        }
        return Normalize(classifier, buffer, count, device);
    }

    /// <summary>Turns a packed buffer of images in 0..1 into the network's normalised input.</summary>
    public static Tensor Normalize(DlClassifier classifier, float[] buffer, int count, Device device)
    {
        using var scope = NewDisposeScope();
        long[] shape = { count, classifier.ImageChannels, classifier.ImageHeight, classifier.ImageWidth };
        Tensor batch = tensor(buffer, shape).to(device);
        return classifier.Normalize(batch).MoveToOuterDisposeScope();
    }
}
