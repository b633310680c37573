namespace DlClassifier.Engine.Training;

/// <summary>Where training writes its side outputs.</summary>
public sealed class TrainingOptions
{
    /// <summary>A PNG rewritten after every evaluation with errors, loss and learning rate over epochs.</summary>
    public string? PlotPath { get; init; }

    /// <summary>A classifier file rewritten (atomically) every time the validation error improves.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>At most this many training images are evaluated per epoch to measure the training error.</summary>
    public int TrainingErrorSampleLimit { get; init; } = 2000;

    /// <summary>
    /// Called on the training thread after every epoch, once its record is in the history and the checkpoint is
    /// written; for callers that watch a training as it runs (memory, throughput).
    /// </summary>
    public Action<DlEpochRecord>? EpochCompleted { get; init; }
}
