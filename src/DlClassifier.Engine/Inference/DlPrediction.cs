namespace DlClassifier.Engine.Inference;

/// <summary>The classifier's answer for one image.</summary>
public sealed class DlPrediction
{
    public string Path { get; init; } = "";

    /// <summary>The most probable class, or an empty string when the prediction is uncertain.</summary>
    public string ClassName { get; init; } = "";

    /// <summary>The most probable class, whether or not the prediction is uncertain.</summary>
    public string TopClass { get; init; } = "";

    /// <summary>The probability of <see cref="TopClass"/>.</summary>
    public double Confidence { get; init; }

    /// <summary>Whether <see cref="Confidence"/> fell below the reject threshold the caller gave.</summary>
    public bool IsUncertain { get; init; }

    /// <summary>Every class's probability, by class name, in the classifier's class order; they sum to 1.</summary>
    public System.Collections.Specialized.OrderedDictionary Probabilities { get; init; } = new();
}
