using DlClassifier.Engine.Data;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Training;

namespace DlClassifier.Engine.Evaluation;

/// <summary>Evaluates a classifier on a subset of a data set.</summary>
public static class Evaluator
{
    /// <summary>How many of the most probable classes the top-k error looks at unless told otherwise.</summary>
    public const int DefaultTopK = 3;

    /// <param name="split">The subset to evaluate, or null for every sample.</param>
    /// <param name="topK">The k of the top-k error; clamped to 1 … the class count.</param>
    /// <param name="splitName">The name the evaluation gets; by default the split's, or "All".</param>
    /// <exception cref="InvalidOperationException">The subset is empty.</exception>
    /// <exception cref="UnknownClassException">A sample's class is not one of the classifier's.</exception>
    public static DlEvaluation Evaluate(DlClassifier classifier, DlDataSet dataSet, SampleSplit? split,
        IEngineReporter? reporter, CancellationToken cancellation, int topK = DefaultTopK, string? splitName = null)
    {
        reporter ??= NullReporter.Instance;
        IReadOnlyList<DlSample> samples = split is null ? dataSet.Samples : dataSet.InSplit(split.Value);
        splitName ??= split?.ToString() ?? "All";
        if (samples.Count == 0)
        {
            throw new InvalidOperationException(
                $"The data set has no {splitName.ToLowerInvariant()} images. Split it first (Split-DlDataSet) or " +
                "choose " +
                "another split.");
        }
        int[] labels = ImageCache.LabelsFor(classifier, samples);
        float[][] probabilities = ImageClassifier.Probabilities(classifier, samples.Select(s => s.Path).ToArray(),
            "Evaluating " + splitName.ToLowerInvariant() + " images", reporter, cancellation);
        return Summarize(classifier.ClassNames, samples.Select(s => s.Path).ToArray(), labels, probabilities, splitName,
            topK);
    }

    /// <summary>
    /// Imports a folder laid out as one folder per class and evaluates the classifier on all its images,
    /// matching classes by name. The evaluation is named "Folder".
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="UnknownClassException">A class folder is not one of the classifier's classes.</exception>
    /// <exception cref="InvalidDataException">The folder has no class folder, a class folder has no image, or an
    /// image cannot be read.</exception>
    public static DlEvaluation EvaluateFolder(DlClassifier classifier, string folder, IEngineReporter? reporter,
        CancellationToken cancellation, int topK = DefaultTopK)
    {
        reporter ??= NullReporter.Instance;
        var options = new DataSetImportOptions
        {
            OnProblem = problem => reporter.Warning($"Left out '{problem.Path}': {problem.Reason}"),
            OnProgress = (done, all) => reporter.Progress(new ProgressUpdate(0, "Reading " + folder,
                $"{done} of {all} images", all == 0 ? 1 : (double)done / all, null)),
        };
        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder }, options);
        reporter.Completed(0);

        // Every class is checked before any image is classified, so an unknown one fails at once.
        string? unknown = dataSet.ClassNames.FirstOrDefault(name => !classifier.ClassNames.Contains(name));
        if (unknown is not null)
        {
            DlSample example = dataSet.Samples.First(sample => sample.ClassName == unknown);
            throw new UnknownClassException(unknown, example.Path, classifier.ClassNames);
        }
        reporter.Verbose($"Imported {dataSet.Count} images in {dataSet.ClassCount} classes from '{folder}'.");
        return Evaluate(classifier, dataSet, null, reporter, cancellation, topK, "Folder");
    }

    /// <summary>Builds an evaluation from per-image probabilities; the metrics depend on nothing else.</summary>
    /// <param name="topK">The k of the top-k error; clamped to 1 … the class count.</param>
    public static DlEvaluation Summarize(string[] classNames, string[] paths, int[] labels, float[][] probabilities,
        string splitName, int topK = DefaultTopK)
    {
        int k = classNames.Length;
        topK = Math.Clamp(topK, 1, Math.Max(1, k));
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
            Accuracy = 1 - error, TopK = topK, TopKError = ClassificationMetrics.TopKError(labels, probabilities, topK),
            BalancedAccuracy = ClassificationMetrics.MacroAverage(perClass.Select(c => c.Recall)),
            MacroPrecision = ClassificationMetrics.MacroAverage(perClass.Select(c => c.Precision)),
            MacroRecall = ClassificationMetrics.MacroAverage(perClass.Select(c => c.Recall)),
            MacroFScore = ClassificationMetrics.MacroAverage(perClass.Select(c => c.FScore)),
            WeightedPrecision = ClassificationMetrics.WeightedAverage(perClass, c => c.Precision),
            WeightedRecall = ClassificationMetrics.WeightedAverage(perClass, c => c.Recall),
            WeightedFScore = ClassificationMetrics.WeightedAverage(perClass, c => c.FScore),
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
