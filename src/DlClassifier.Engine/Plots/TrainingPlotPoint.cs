namespace DlClassifier.Engine.Plots;

/// <summary>The measurements of one finished epoch, as drawn by <see cref="TrainingPlot"/>.</summary>
/// <param name="Epoch">The epoch number, starting at 1.</param>
/// <param name="TrainingLoss">The mean training loss over the epoch.</param>
/// <param name="TrainingError">The fraction (0 to 1) of training images classified wrongly, if measured.</param>
/// <param name="ValidationError">The fraction (0 to 1) of validation images classified wrongly, if measured.</param>
/// <param name="LearningRate">The learning rate in force at the end of the epoch.</param>
public sealed record TrainingPlotPoint(
    int Epoch, double TrainingLoss, double? TrainingError, double? ValidationError, double LearningRate);
