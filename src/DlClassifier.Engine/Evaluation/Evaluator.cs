using DlClassifier.Engine.Data;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Training;

namespace DlClassifier.Engine.Evaluation;

/// <summary>Evaluates a classifier on a subset of a data set.</summary>
public static class Evaluator
{
    /// <param name="split">The subset to evaluate, or null for every sample.</param>
    /// <exception cref="InvalidOperationException">The subset is empty.</exception>
    /// <exception cref="UnknownClassException">A sample's class is not one of the classifier's.</exception>
    public static DlEvaluation Evaluate(DlClassifier classifier, DlDataSet dataSet, SampleSplit? split,
        IEngineReporter? reporter, CancellationToken cancellation)
    {
        reporter ??= NullReporter.Instance;
        IReadOnlyList<DlSample> samples = split is null ? dataSet.Samples : dataSet.InSplit(split.Value);
        string splitName = split?.ToString() ?? "All";
        if (samples.Count == 0)
        {
            throw new InvalidOperationException(
                $"The data set has no {splitName.ToLowerInvariant()} images. Split it first (Split-DlDataSet) or choose " +
                "another split.");
        }
        int[] labels = ImageCache.LabelsFor(classifier, samples);
        float[][] probabilities = ImageClassifier.Probabilities(classifier, samples.Select(s => s.Path).ToArray(),
            "Evaluating " + splitName.ToLowerInvariant() + " images", reporter, cancellation);
        return Summarize(classifier.ClassNames, samples.Select(s => s.Path).ToArray(), labels, probabilities, splitName);
    }

    /// <summary>Builds an evaluation from per-image probabilities; the metrics depend on nothing else.</summary>
    public static DlEvaluation Summarize(string[] classNames, string[] paths, int[] labels, float[][] probabilities,
        string splitName)
    {
        int k = classNames.Length;
        long[][] counts = Enumerable.Range(0, k).Select(_ => new long[k]).ToArray();
        var images = new DlImageResult[paths.Length];
        double logLoss = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            float[] p = probabilities[i];
            int predicted = ArgMax(p);
            counts[labels[i]][predicted]++;
            // 0 − ln p rather than −ln p: a certain, correct answer has loss 0, not the −0 that CSV would show.
            double loss = 0 - Math.Log(Math.Max(p[labels[i]], 1e-12));
            logLoss += loss;
            images[i] = new DlImageResult
            {
                Path = paths[i], TrueClass = classNames[labels[i]], PredictedClass = classNames[predicted],
                Confidence = p[predicted], TrueClassProbability = p[labels[i]], Loss = loss,
            };
        }
        DlClassMetrics[] perClass = ClassificationMetrics.PerClass(classNames, counts);
        double error = ClassificationMetrics.TopOneError(counts);
        return new DlEvaluation
        {
            Split = splitName, ClassNames = classNames, ImageCount = paths.Length, TopOneError = error,
            Accuracy = 1 - error,
            BalancedAccuracy = ClassificationMetrics.MacroAverage(perClass.Select(c => c.Recall)),
            MacroPrecision = ClassificationMetrics.MacroAverage(perClass.Select(c => c.Precision)),
            MacroRecall = ClassificationMetrics.MacroAverage(perClass.Select(c => c.Recall)),
            MacroFScore = ClassificationMetrics.MacroAverage(perClass.Select(c => c.FScore)),
            LogLoss = paths.Length == 0 ? 0 : logLoss / paths.Length,
            PerClass = perClass, ConfusionCounts = counts, Images = images,
        };
    }

    /// <summary>The index of the largest value; the first one on ties.</summary>
    public static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
