using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Bench;

/// <summary>
/// The control in throughput comparisons: a network trained from images already held as one normalised float
/// tensor, with the loop a PyTorch user writes (index the batch, forward, cross-entropy, backward, step, read the
/// loss), so nothing is left to measure but the network.
/// </summary>
internal static class PreloadedTraining
{
    /// <summary>Stacks byte images into one N×C×H×W tensor of (x/255 − mean) / std.</summary>
    public static Tensor Normalised(byte[][] images, int channels, int height, int width, float mean, float std)
    {
        int size = channels * height * width;
        var values = new float[images.Length * (long)size];
        for (int i = 0; i < images.Length; i++)
        {
            for (int j = 0; j < size; j++)
            {
                values[(long)i * size + j] = (images[i][j] / 255f - mean) / std;
            }
        }
        return tensor(values, new long[] { images.Length, channels, height, width });
    }

    /// <summary>
    /// One epoch in shuffled batches. Returns the training images per second from the end of the first batch to
    /// the end of the last (the way <see cref="BatchClock"/> times the engine's trainer) and the mean loss.
    /// </summary>
    public static (double ImagesPerSecond, double Loss) Epoch(nn.Module<Tensor, Tensor> network,
        optim.Optimizer optimizer, Tensor images, Tensor labels, int batchSize, int seed, bool timeFromFirstBatch)
    {
        network.train();
        long count = images.shape[0];
        long[] order = Enumerable.Range(0, (int)count).Select(i => (long)i).ToArray();
        new Random(seed).Shuffle(order);
        var clock = Stopwatch.StartNew();
        double firstBatchEnd = 0, lossSum = 0;
        long firstBatchSize = Math.Min(batchSize, count);
        int batches = 0;
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long[] batch = order[(int)start..(int)Math.Min(count, start + batchSize)];
            Tensor index = tensor(batch);
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(network.forward(images.index_select(0, index)),
                labels.index_select(0, index));
            loss.backward();
            optimizer.step();
            lossSum += loss.item<float>() * batch.Length;
            if (++batches == 1)
            {
                firstBatchEnd = clock.Elapsed.TotalSeconds;
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double rate = timeFromFirstBatch
            ? (count - firstBatchSize) / (seconds - firstBatchEnd)
            : count / seconds;
        return (rate, lossSum / count);
    }

    /// <summary>Top-1 error in eval mode without gradients.</summary>
    public static double Error(nn.Module<Tensor, Tensor> network, Tensor images, Tensor labels, int batchSize = 1000)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        long wrong = 0, count = images.shape[0];
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long end = Math.Min(count, start + batchSize);
            Tensor predicted = network.forward(images[TensorIndex.Slice(start, end)]).argmax(1);
            wrong += predicted.ne(labels[TensorIndex.Slice(start, end)]).sum().item<long>();
        }
        return (double)wrong / count;
    }
}
