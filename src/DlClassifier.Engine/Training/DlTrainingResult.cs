namespace DlClassifier.Engine.Training;

/// <summary>The outcome of one training run.</summary>
public sealed class DlTrainingResult
{
    /// <summary>The epoch whose weights the classifier now holds.</summary>
    public int? BestEpoch { get; init; }

    public double? BestValidationError { get; init; }

    /// <summary>The per-epoch records of this classifier, from its first training on.</summary>
    public DlEpochRecord[] History { get; init; } = Array.Empty<DlEpochRecord>();

    /// <summary>How many epochs this run trained.</summary>
    public int EpochsTrained { get; init; }

    /// <summary>Why training ended: Completed, EarlyStopping or Cancelled.</summary>
    public string StopReason { get; init; } = "Completed";

    public string Device { get; init; } = "cpu";

    public TimeSpan Duration { get; init; }

    public string? PlotPath { get; init; }

    public string? CheckpointPath { get; init; }
}
