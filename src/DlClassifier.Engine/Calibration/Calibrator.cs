using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Training;

namespace DlClassifier.Engine.Calibration;

/// <summary>Calibrates a classifier's probabilities by temperature scaling on a subset of a data set.</summary>
public static class Calibrator
{
    /// <summary>
    /// Reads the network's outputs for the subset once, fits the temperature on them, stores it in the
    /// classifier and, when <paramref name="plotPath"/> is given, writes the reliability plot.
    /// </summary>
    /// <exception cref="InvalidOperationException">The subset is empty.</exception>
    /// <exception cref="UnknownClassException">A sample's class is not one of the classifier's.</exception>
    /// <exception cref="InvalidDataException">An image cannot be read.</exception>
    public static DlCalibration Calibrate(DlClassifier classifier, DlDataSet dataSet, SampleSplit? split,
        string? plotPath, IEngineReporter? reporter, CancellationToken cancellation)
    {
        (float[][] logits, int[] labels, string splitName) =
            CollectLogits(classifier, dataSet, split, reporter ?? NullReporter.Instance, cancellation);
        double temperature = TemperatureScaling.Fit(logits, labels);
        classifier.SetTemperature(temperature);
        DlCalibration calibration = Measure(logits, labels, temperature, splitName, plotPath);
        if (plotPath is not null)
        {
            ReliabilityPlot.Write(plotPath, calibration);
        }
        return calibration;
    }

    /// <summary>The calibration measures of logits at temperature 1 and at <paramref name="temperature"/>.</summary>
    /// <param name="plotPath">Recorded in the result; nothing is written here.</param>
    public static DlCalibration Measure(IReadOnlyList<float[]> logits, IReadOnlyList<int> labels, double temperature,
        string splitName, string? plotPath = null)
    {
        (ReliabilityBin[] before, double accuracy) = BinsAt(logits, labels, 1);
        (ReliabilityBin[] after, _) = BinsAt(logits, labels, temperature);
        return new DlCalibration
        {
            Split = splitName, ImageCount = logits.Count, Temperature = temperature,
            EceBefore = TemperatureScaling.ExpectedCalibrationError(before),
            EceAfter = TemperatureScaling.ExpectedCalibrationError(after),
            NllBefore = TemperatureScaling.NegativeLogLikelihood(logits, labels, 1),
            NllAfter = TemperatureScaling.NegativeLogLikelihood(logits, labels, temperature),
            Accuracy = accuracy, BinsBefore = before, BinsAfter = after, PlotPath = plotPath,
        };
    }

    /// <summary>The network's outputs and the true class indices of a subset's images, in the subset's order.</summary>
    /// <exception cref="InvalidOperationException">The subset is empty.</exception>
    public static (float[][] Logits, int[] Labels, string SplitName) CollectLogits(DlClassifier classifier,
        DlDataSet dataSet, SampleSplit? split, IEngineReporter reporter, CancellationToken cancellation)
    {
        IReadOnlyList<DlSample> samples = split is null ? dataSet.Samples : dataSet.InSplit(split.Value);
        string splitName = split?.ToString() ?? "All";
        if (samples.Count == 0)
        {
            throw new InvalidOperationException(
                $"The data set has no {splitName.ToLowerInvariant()} images to calibrate on. Split it first " +
                "(Split-DlDataSet) or choose another split.");
        }
        int[] labels = ImageCache.LabelsFor(classifier, samples);
        float[][] logits = ImageClassifier.Logits(classifier, samples.Select(s => s.Path).ToArray(),
            "Reading the network's outputs on " + splitName.ToLowerInvariant() + " images", reporter, cancellation);
        return (logits, labels, splitName);
    }

    private static (ReliabilityBin[] Bins, double Accuracy) BinsAt(IReadOnlyList<float[]> logits,
        IReadOnlyList<int> labels, double temperature)
    {
        var confidences = new double[logits.Count];
        var correct = new bool[logits.Count];
        for (int i = 0; i < logits.Count; i++)
        {
            double[] probabilities = TemperatureScaling.Softmax(logits[i], temperature);
            int best = Evaluator.ArgMax(logits[i]);
            confidences[i] = probabilities[best];
            correct[i] = best == labels[i];
        }
        double accuracy = correct.Length == 0 ? 0 : (double)correct.Count(c => c) / correct.Length;
        return (TemperatureScaling.Bins(confidences, correct), accuracy);
    }
}
