using DlClassifier.Engine.Plots;

namespace DlClassifier.Engine.Training;

/// <summary>Draws the training history as the progress plot.</summary>
internal static class TrainingPlotWriter
{
    /// <summary>
    /// Rewrites the plot. A plot that cannot be written (a viewer holding the file on Windows, a full disk)
    /// must not end hours of training, so the failure is reported and the next evaluation tries again.
    /// </summary>
    public static void Write(string path, IReadOnlyList<DlEpochRecord> history, IEngineReporter reporter)
    {
        TrainingPlotPoint[] points = history
            .Select(r => new TrainingPlotPoint(r.Epoch, r.TrainingLoss, r.TrainingError, r.ValidationError,
                r.LearningRate))
            .ToArray();
        try
        {
            TrainingPlot.Write(path, points);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reporter.Warning($"Could not write the progress plot '{path}': {e.Message} Training goes on.");
        }
    }
}
