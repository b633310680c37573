namespace DlClassifier.Engine.Training;

/// <summary>What one epoch of training achieved.</summary>
public sealed class DlEpochRecord
{
    public int Epoch { get; init; }

    /// <summary>The mean cross-entropy over the epoch's training batches (train mode, augmented).</summary>
    public double TrainingLoss { get; init; }

    /// <summary>
    /// Top-1 error on training images in an evaluation pass (eval mode, not augmented); null when not evaluated.
    /// </summary>
    public double? TrainingError { get; init; }

    /// <summary>Top-1 error on the validation set; null when the epoch was not evaluated.</summary>
    public double? ValidationError { get; init; }

    /// <summary>Mean cross-entropy on the validation set; null when the epoch was not evaluated.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The learning rate the epoch trained with.</summary>
    public double LearningRate { get; init; }

    /// <summary>Wall-clock seconds the epoch took, evaluation included.</summary>
    public double Seconds { get; init; }

    /// <summary>True when this epoch set a new best validation error.</summary>
    public bool IsBest { get; init; }
}
