namespace DlClassifier.Engine.Training;

/// <summary>The learning rate of each epoch under a schedule.</summary>
public static class LearningRates
{
    /// <summary>The learning rate for 1-based <paramref name="epoch"/> of <paramref name="epochs"/>.</summary>
    /// <remarks>Cosine: lr·(1 + cos(π·(e−1)/E))/2, so the first epoch trains at the full rate.</remarks>
    public static double ForEpoch(DlClassifierParam parameters, int epoch, int epochs)
    {
        switch (parameters.Schedule)
        {
            case LearningRateSchedule.Cosine:
                return parameters.LearningRate * (1 + Math.Cos(Math.PI * (epoch - 1) / Math.Max(1, epochs))) / 2;
            case LearningRateSchedule.Step:
                int steps = parameters.StepEpochs.Count(step => epoch > step);
                return parameters.LearningRate * Math.Pow(parameters.StepFactor, steps);
            default:
                return parameters.LearningRate;
        }
    }
}
