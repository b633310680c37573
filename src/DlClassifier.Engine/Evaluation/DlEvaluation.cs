namespace DlClassifier.Engine.Evaluation;

/// <summary>Precision, recall and F-score of one class; a value whose denominator is zero is null.</summary>
public sealed class DlClassMetrics
{
    public string ClassName { get; init; } = "";

    /// <summary>Of the images predicted as this class, the fraction that are.</summary>
    public double? Precision { get; init; }

    /// <summary>Of the images of this class, the fraction predicted as it.</summary>
    public double? Recall { get; init; }

    /// <summary>The harmonic mean of precision and recall.</summary>
    public double? FScore { get; init; }

    /// <summary>How many evaluated images belong to this class.</summary>
    public long Support { get; init; }
}

/// <summary>The classifier's verdict on one evaluated image.</summary>
public sealed class DlImageResult
{
    public string Path { get; init; } = "";

    public string TrueClass { get; init; } = "";

    public string PredictedClass { get; init; } = "";

    /// <summary>The probability of the predicted class.</summary>
    public double Confidence { get; init; }

    /// <summary>The probability the classifier gives the true class.</summary>
    public double TrueClassProbability { get; init; }

    /// <summary>The cross-entropy of this image: −ln(probability of the true class).</summary>
    public double Loss { get; init; }

    public bool IsCorrect => TrueClass == PredictedClass;
}

/// <summary>How well a classifier does on one subset of a data set.</summary>
public sealed class DlEvaluation
{
    /// <summary>The evaluated subset: Training, Validation, Test or All.</summary>
    public string Split { get; init; } = "";

    /// <summary>The classifier's classes, in the order of <see cref="ConfusionCounts"/>.</summary>
    public string[] ClassNames { get; init; } = Array.Empty<string>();

    public int ImageCount { get; init; }

    /// <summary>The fraction of images whose most probable class is wrong (0–1).</summary>
    public double TopOneError { get; init; }

    /// <summary>How many of the most probable classes <see cref="TopKError"/> looks at.</summary>
    public int TopK { get; init; } = 1;

    /// <summary>The fraction of images whose true class is not among the <see cref="TopK"/> most probable.</summary>
    public double TopKError { get; init; }

    /// <summary>1 − <see cref="TopOneError"/>.</summary>
    public double Accuracy { get; init; }

    /// <summary>The mean recall over classes with images; equals accuracy on a balanced set.</summary>
    public double? BalancedAccuracy { get; init; }

    public double? MacroPrecision { get; init; }

    public double? MacroRecall { get; init; }

    public double? MacroFScore { get; init; }

    /// <summary>The precision of the classes averaged with their support as weights.</summary>
    public double? WeightedPrecision { get; init; }

    /// <summary>The recall of the classes averaged with their support as weights; equals accuracy.</summary>
    public double? WeightedRecall { get; init; }

    /// <summary>The F-score of the classes averaged with their support as weights.</summary>
    public double? WeightedFScore { get; init; }

    /// <summary>The mean cross-entropy of the true classes.</summary>
    public double LogLoss { get; init; }

    public DlClassMetrics[] PerClass { get; init; } = Array.Empty<DlClassMetrics>();

    /// <summary>Rows are true classes, columns predicted classes, both in <see cref="ClassNames"/> order.</summary>
    public long[][] ConfusionCounts { get; init; } = Array.Empty<long[]>();

    public DlImageResult[] Images { get; init; } = Array.Empty<DlImageResult>();

    public DateTimeOffset EvaluatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// The images whose given label the classifier contradicts with confidence: predicted as another class
    /// with a probability of at least <paramref name="minimumConfidence"/>; most confident first.
    /// </summary>
    /// <remarks>
    /// A confident contradiction is the cheapest hint of a wrong label (confident learning, Northcutt et al.,
    /// "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR 2021, in its simplest form with one
    /// threshold for all classes). It is a list to review, not a verdict: a hard image can be confidently wrong.
    /// The comparison is made in single precision, the precision of the network's probabilities, so that a
    /// probability of 0.9 meets a threshold of 0.9.
    /// </remarks>
    public DlImageResult[] SuspectedLabelErrors(double minimumConfidence) => Images
        .Where(image => !image.IsCorrect && (float)image.Confidence >= (float)minimumConfidence)
        .OrderByDescending(image => image.Confidence)
        .ThenBy(image => image.Path, StringComparer.Ordinal)
        .ToArray();
}
