using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Explanations;

/// <summary>Occlusion sensitivity: where greying out the image costs the class most probability.</summary>
/// <remarks>
/// Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks" (ECCV 2014), section 4.2. A square
/// window slides over the normalised input and is set to 0 there, which is the normalisation mean: a grey patch
/// that carries no evidence. The heat of a pixel is the mean, over the windows that cover it, of
/// max(0, p_c(image) − p_c(occluded image)), and the map is divided by its maximum. The drop is computed in
/// double precision as the rise of 1 − p_c, summed from the other classes' softmax terms: a confident network's
/// p_c is 1 in single (and often in double) precision, and subtracting two such numbers would leave the map blank.
/// </remarks>
public static class Occlusion
{
    /// <summary>Occluded copies classified per forward pass.</summary>
    private const int BatchSize = 32;

    /// <summary>The default window side: a quarter of the shorter image side, rounded, at least 1.</summary>
    public static int DefaultWindowSize(int width, int height) =>
        Math.Max(1, (int)Math.Round(Math.Min(width, height) / 4.0, MidpointRounding.AwayFromZero));

    /// <summary>The default step between windows: half the window, rounded, at least 1.</summary>
    public static int DefaultStride(int windowSize) =>
        Math.Max(1, (int)Math.Round(windowSize / 2.0, MidpointRounding.AwayFromZero));

    /// <summary>The occlusion map (height × width, 0..1) of a planar image, its probabilities and its class.</summary>
    /// <param name="target">The class to explain, or −1 for the predicted one.</param>
    /// <param name="windowSize">The window side in pixels; clamped to the shorter image side.</param>
    /// <param name="stride">The step between windows in pixels, at least 1.</param>
    internal static (float[] Values, float[] Probabilities, int Target) Compute(DlClassifier classifier, float[] image,
        int target, int windowSize, int stride, CancellationToken cancellation)
    {
        int width = classifier.ImageWidth;
        int height = classifier.ImageHeight;
        int channels = classifier.ImageChannels;
        windowSize = Math.Clamp(windowSize, 1, Math.Min(width, height));
        stride = Math.Max(1, stride);
        (int X, int Y)[] windows = Starts(height, windowSize, stride)
            .SelectMany(y => Starts(width, windowSize, stride).Select(x => (x, y)))
            .ToArray();
        int plane = width * height;
        int size = channels * plane;
        int classes = classifier.ClassNames.Length;
        var dropSum = new double[plane];
        var cover = new int[plane];
        float[] probabilities;

        Device device = DeviceManager.Resolve(classifier.Parameters.Device, out _);
        lock (classifier.Gate)
        {
            nn.Module<Tensor, Tensor> network = classifier.Network;
            network.to(device);
            network.eval();
            using var noGrad = no_grad();
            float[] normalised;
            float[] logits;
            using (NewDisposeScope())
            {
                Tensor input = Predictor.Normalize(classifier, image, 1, device);
                normalised = input.cpu().data<float>().ToArray();
                logits = network.forward(input).cpu().data<float>().ToArray();
            }
            probabilities = Softmax(logits);
            if (target < 0)
            {
                target = Evaluator.ArgMax(probabilities);
            }
            double baseline = Complement(logits, 0, classes, target);

            for (int start = 0; start < windows.Length; start += BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(BatchSize, windows.Length - start);
                var buffer = new float[count * size];
                for (int i = 0; i < count; i++)
                {
                    normalised.CopyTo(buffer, i * size);
                    (int x, int y) = windows[start + i];
                    for (int c = 0; c < channels; c++)
                    {
                        for (int row = y; row < y + windowSize; row++)
                        {
                            Array.Clear(buffer, i * size + c * plane + row * width + x, windowSize);
                        }
                    }
                }
                float[] flat;
                using (NewDisposeScope())
                {
                    Tensor batch = tensor(buffer, new long[] { count, channels, height, width }).to(device);
                    flat = network.forward(batch).cpu().data<float>().ToArray();
                }
                for (int i = 0; i < count; i++)
                {
                    double drop = Math.Max(0, Complement(flat, i * classes, classes, target) - baseline);
                    (int x, int y) = windows[start + i];
                    for (int row = y; row < y + windowSize; row++)
                    {
                        for (int column = x; column < x + windowSize; column++)
                        {
                            dropSum[row * width + column] += drop;
                            cover[row * width + column]++;
                        }
                    }
                }
            }
        }

        // The mean drops are scaled in double precision: a confident network's drops can be far below what
        // single precision holds, yet still show where the evidence lies.
        double[] means = Enumerable.Range(0, plane).Select(i => cover[i] == 0 ? 0 : dropSum[i] / cover[i]).ToArray();
        double max = means.Max();
        bool usable = max > 0 && double.IsFinite(max);
        float[] values = means.Select(m => usable ? (float)(m / max) : 0f).ToArray();
        return (values, probabilities, target);
    }

    /// <summary>Softmax of one row of logits, computed in double precision.</summary>
    private static float[] Softmax(float[] logits)
    {
        double max = logits.Max();
        double[] terms = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = terms.Sum();
        return terms.Select(t => (float)(t / sum)).ToArray();
    }

    /// <summary>1 − softmax(logits)[target] of the row at <paramref name="offset"/>, exact when tiny.</summary>
    private static double Complement(float[] logits, int offset, int classes, int target)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < classes; c++)
        {
            max = Math.Max(max, logits[offset + c]);
        }
        double others = 0;
        double all = 0;
        for (int c = 0; c < classes; c++)
        {
            double term = Math.Exp(logits[offset + c] - max);
            all += term;
            others += c == target ? 0 : term;
        }
        return others / all;
    }

    /// <summary>
    /// Window starts 0, stride, 2·stride … that fit in the side, plus one flush with the far edge when the
    /// steps do not reach it, so that every pixel is covered.
    /// </summary>
    internal static int[] Starts(int side, int windowSize, int stride)
    {
        var starts = new List<int>();
        for (int start = 0; start + windowSize <= side; start += stride)
        {
            starts.Add(start);
        }
        if (starts[^1] + windowSize < side)
        {
            starts.Add(side - windowSize);
        }
        return starts.ToArray();
    }
}
