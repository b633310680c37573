using System.Diagnostics;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Models;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Training;

/// <summary>
/// Training of a pretrained network's head alone (<see cref="TransferMode.HeadOnly"/>): the frozen backbone's
/// pooled features are computed once per image, and every epoch then trains the linear head on them. An epoch
/// costs a few matrix products instead of a pass through the backbone, at the price of augmentation, which
/// would need the backbone again for every changed image.
/// </summary>
internal sealed class HeadFeatures : IDisposable
{
    /// <summary>Images per backbone pass while computing features; memory, not results, depends on it.</summary>
    private const int FeatureBatchSize = 32;

    private HeadFeatures(Tensor features, int[] labels)
    {
        Features = features;
        Labels = labels;
    }

    /// <summary>The pooled backbone output of every image: count × channels × 1 × 1, on the device.</summary>
    public Tensor Features { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    /// <summary>Runs every image of the cache through the backbone once, in evaluation mode and no gradients.</summary>
    public static HeadFeatures Compute(DlClassifier classifier, ResNet network, ImageCache cache, Device device,
        string activity, IEngineReporter reporter, CancellationToken cancellation)
    {
        List<int[]> chunks = Enumerable.Range(0, cache.Count).Chunk(FeatureBatchSize).ToList();
        var parts = new List<Tensor>();
        network.eval();
        int done = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            using var noGrad = no_grad();
            foreach (byte[][] images in cache.InBatches(chunks, cancellation))
            {
                cancellation.ThrowIfCancellationRequested();
                int size = images[0].Length;
                var buffer = new float[images.Length * size];
                for (int i = 0; i < images.Length; i++)
                {
                    PixelBytes.ToUnit(images[i], buffer.AsSpan(i * size, size));
                }
                using var scope = NewDisposeScope();
                Tensor input = Predictor.Normalize(classifier, buffer, images.Length, device);
                parts.Add(network.PooledFeatures(input).MoveToOuterDisposeScope());
                done += images.Length;
                double fraction = (double)done / cache.Count;
                reporter.Progress(new ProgressUpdate(1, activity, $"{done} of {cache.Count} images", fraction,
                    TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (1 - fraction) / fraction)));
            }
            Tensor all = cat(parts, 0);
            return new HeadFeatures(all, cache.Labels);
        }
        finally
        {
            foreach (Tensor part in parts)
            {
                part.Dispose();
            }
            reporter.Completed(1);
        }
    }

    /// <summary>One epoch of the head over the features, in the order and batches a full training would use.</summary>
    public double TrainEpoch(IClassifierNetwork network, List<int[]> batches, optim.Optimizer optimizer,
        Tensor? lossWeights, Device device, Action<int, double> onBatch, CancellationToken cancellation)
    {
        double lossSum = 0;
        int seen = 0;
        for (int b = 0; b < batches.Count; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            int[] batch = batches[b];
            using var scope = NewDisposeScope();
            Tensor index = tensor(batch.Select(i => (long)i).ToArray()).to(device);
            Tensor input = Features.index_select(0, index);
            Tensor target = tensor(batch.Select(i => (long)Labels[i]).ToArray()).to(device);

            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(network.Classify(input), target, weight: lossWeights);
            loss.backward();
            optimizer.step();

            double value = loss.item<float>();
            lossSum += value * batch.Length;
            seen += batch.Length;
            onBatch(b, value);
        }
        return lossSum / seen;
    }

    /// <summary>The error rate and mean cross-entropy of the head on the features of the given images.</summary>
    public (double Error, double Loss) Evaluate(IClassifierNetwork network, int[]? subset, Device device)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor input = subset is null
            ? Features
            : Features.index_select(0, tensor(subset.Select(i => (long)i).ToArray()).to(device));
        int[] labels = subset is null ? Labels : subset.Select(i => Labels[i]).ToArray();
        Tensor target = tensor(labels.Select(l => (long)l).ToArray()).to(device);
        Tensor logits = network.Classify(input);
        long wrong = logits.argmax(1).ne(target).sum().item<long>();
        double loss = nn.functional.cross_entropy(logits, target).item<float>();
        return ((double)wrong / labels.Length, loss);
    }

    public void Dispose() => Features.Dispose();
}
