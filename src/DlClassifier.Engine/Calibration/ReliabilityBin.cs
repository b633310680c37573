namespace DlClassifier.Engine.Calibration;

/// <summary>The images whose confidence falls in the interval (Lower, Upper], and how often they were right.</summary>
public sealed class ReliabilityBin
{
    public double Lower { get; init; }

    public double Upper { get; init; }

    public int Count { get; init; }

    /// <summary>The fraction of the bin's images whose most probable class is right; null for an empty bin.</summary>
    public double? Accuracy { get; init; }

    /// <summary>The mean confidence of the bin's images; null for an empty bin.</summary>
    public double? MeanConfidence { get; init; }
}
