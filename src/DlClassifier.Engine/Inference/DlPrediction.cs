namespace DlClassifier.Engine.Inference;

/// <summary>The classifier's answer for one image.</summary>
public sealed class DlPrediction
{
    public string Path { get; init; } = "";

    /// <summary>The most probable class.</summary>
    public string ClassName { get; init; } = "";

    /// <summary>The probability of <see cref="ClassName"/>.</summary>
    public double Confidence { get; init; }

    /// <summary>Every class's probability, by class name, in the classifier's class order; they sum to 1.</summary>
    public System.Collections.Specialized.OrderedDictionary Probabilities { get; init; } = new();
}
