namespace DlClassifier.Engine.Calibration;

/// <summary>Fits and measures the temperature that calibrates a classifier's probabilities.</summary>
/// <remarks>
/// Guo, Pleiss, Sun and Weinberger, "On Calibration of Modern Neural Networks" (ICML 2017): with logits z
/// and one scalar T &gt; 0, the calibrated probabilities are softmax(z / T). T is chosen to minimise the
/// mean negative log-likelihood of the true classes on held-out images. Dividing by T does not change which
/// class is largest, so accuracy stays as it was.
/// </remarks>
public static class TemperatureScaling
{
    /// <summary>The smallest temperature the search considers.</summary>
    public const double MinimumTemperature = 0.01;

    /// <summary>The largest temperature the search considers.</summary>
    public const double MaximumTemperature = 100;

    /// <summary>The number of equal-width confidence bins of the expected calibration error.</summary>
    public const int DefaultBinCount = 15;

    // Golden-section steps shrink the bracket by 0.618 each; 80 of them narrow ln(100/0.01) ≈ 18.4 far below
    // the precision of a double.
    private const int SearchSteps = 80;

    /// <summary>The temperature in [0.01, 100] that minimises the mean negative log-likelihood.</summary>
    /// <remarks>
    /// The negative log-likelihood is convex in β = 1/T (a log-sum-exp minus a linear term), and β falls
    /// monotonically with ln T, so the loss has one minimum along ln T: a golden-section search on ln T finds
    /// it without gradients. When the minimum lies beyond the range (all answers right with large margins,
    /// for instance) the nearest bound is returned.
    /// </remarks>
    /// <exception cref="ArgumentException">There are no images, or logits and labels do not match.</exception>
    public static double Fit(IReadOnlyList<float[]> logits, IReadOnlyList<int> labels)
    {
        Require(logits, labels);
        double golden = (Math.Sqrt(5) - 1) / 2;
        double low = Math.Log(MinimumTemperature);
        double high = Math.Log(MaximumTemperature);
        double left = high - golden * (high - low);
        double right = low + golden * (high - low);
        double leftLoss = NegativeLogLikelihood(logits, labels, Math.Exp(left));
        double rightLoss = NegativeLogLikelihood(logits, labels, Math.Exp(right));
        for (int step = 0; step < SearchSteps; step++)
        {
            if (leftLoss <= rightLoss)
            {
                high = right;
                right = left;
                rightLoss = leftLoss;
                left = high - golden * (high - low);
                leftLoss = NegativeLogLikelihood(logits, labels, Math.Exp(left));
            }
            else
            {
                low = left;
                left = right;
                leftLoss = rightLoss;
                right = low + golden * (high - low);
                rightLoss = NegativeLogLikelihood(logits, labels, Math.Exp(right));
            }
        }
        return Math.Exp((low + high) / 2);
    }

    /// <summary>The mean of −ln softmax(z / T)[label] over the images.</summary>
    /// <exception cref="ArgumentException">There are no images, or logits and labels do not match.</exception>
    public static double NegativeLogLikelihood(IReadOnlyList<float[]> logits, IReadOnlyList<int> labels,
        double temperature)
    {
        Require(logits, labels);
        double total = 0;
        for (int i = 0; i < logits.Count; i++)
        {
            // Subtracting the largest scaled logit keeps every exponential at most 1, so none overflows.
            float[] z = logits[i];
            double largest = z.Max() / temperature;
            double sum = z.Sum(value => Math.Exp(value / temperature - largest));
            total += largest + Math.Log(sum) - z[labels[i]] / temperature;
        }
        return total / logits.Count;
    }

    /// <summary>softmax(z / T) of one image's logits, in double precision.</summary>
    public static double[] Softmax(float[] logits, double temperature)
    {
        double largest = logits.Max() / temperature;
        double[] exponentials = logits.Select(value => Math.Exp(value / temperature - largest)).ToArray();
        double sum = exponentials.Sum();
        return exponentials.Select(value => value / sum).ToArray();
    }

    /// <summary>
    /// The images sorted into <paramref name="binCount"/> equal-width bins by confidence: bin b holds the
    /// confidences in (b/B, (b+1)/B], and the first bin also holds 0.
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length, or a confidence is outside 0..1.</exception>
    public static ReliabilityBin[] Bins(IReadOnlyList<double> confidences, IReadOnlyList<bool> correct,
        int binCount = DefaultBinCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        if (confidences.Count != correct.Count)
        {
            throw new ArgumentException(
                $"There are {confidences.Count} confidences but {correct.Count} correctness flags.", nameof(correct));
        }
        var counts = new int[binCount];
        var hits = new int[binCount];
        var confidenceSums = new double[binCount];
        for (int i = 0; i < confidences.Count; i++)
        {
            double confidence = confidences[i];
            if (!(confidence >= 0 && confidence <= 1))
            {
                throw new ArgumentException($"The confidence {confidence} at {i} is not between 0 and 1.",
                    nameof(confidences));
            }
            int bin = Math.Clamp((int)Math.Ceiling(confidence * binCount) - 1, 0, binCount - 1);
            counts[bin]++;
            hits[bin] += correct[i] ? 1 : 0;
            confidenceSums[bin] += confidence;
        }
        return Enumerable.Range(0, binCount).Select(b => new ReliabilityBin
        {
            Lower = (double)b / binCount, Upper = (double)(b + 1) / binCount, Count = counts[b],
            Accuracy = counts[b] == 0 ? null : (double)hits[b] / counts[b],
            MeanConfidence = counts[b] == 0 ? null : confidenceSums[b] / counts[b],
        }).ToArray();
    }

    /// <summary>
    /// The expected calibration error: Σ_b (n_b / n)·|accuracy_b − mean confidence_b| over equal-width
    /// confidence bins (15 by default, as Guo et al. use), where n_b images fall into bin b. 0 for no images.
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length, or a confidence is outside 0..1.</exception>
    public static double ExpectedCalibrationError(IReadOnlyList<double> confidences, IReadOnlyList<bool> correct,
        int binCount = DefaultBinCount) =>
        ExpectedCalibrationError(Bins(confidences, correct, binCount));

    /// <summary>The expected calibration error of already filled bins.</summary>
    public static double ExpectedCalibrationError(IReadOnlyList<ReliabilityBin> bins)
    {
        long total = bins.Sum(bin => (long)bin.Count);
        return total == 0 ? 0 : bins.Where(bin => bin.Count > 0)
            .Sum(bin => bin.Count * Math.Abs(bin.Accuracy!.Value - bin.MeanConfidence!.Value)) / total;
    }

    private static void Require(IReadOnlyList<float[]> logits, IReadOnlyList<int> labels)
    {
        if (logits.Count == 0)
        {
            throw new ArgumentException("Temperature scaling needs at least one image.", nameof(logits));
        }
        if (logits.Count != labels.Count)
        {
            throw new ArgumentException($"There are {logits.Count} logit rows but {labels.Count} labels.",
                nameof(labels));
        }
    }
}
