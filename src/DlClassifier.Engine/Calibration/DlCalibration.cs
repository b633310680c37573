namespace DlClassifier.Engine.Calibration;

/// <summary>
/// How well a classifier's confidences match its accuracy on one subset, before calibration (temperature 1)
/// and at the classifier's temperature.
/// </summary>
public sealed class DlCalibration
{
    /// <summary>The subset the temperature was fitted or measured on.</summary>
    public string Split { get; init; } = "";

    public int ImageCount { get; init; }

    /// <summary>The temperature the outputs are divided by; 1 is the uncalibrated network.</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>The expected calibration error at temperature 1 (15 equal-width bins, 0–1).</summary>
    public double EceBefore { get; init; }

    /// <summary>The expected calibration error at <see cref="Temperature"/>.</summary>
    public double EceAfter { get; init; }

    /// <summary>The mean negative log-likelihood of the true classes at temperature 1.</summary>
    public double NllBefore { get; init; }

    /// <summary>The mean negative log-likelihood of the true classes at <see cref="Temperature"/>.</summary>
    public double NllAfter { get; init; }

    /// <summary>The fraction of images whose most probable class is right; no temperature changes it.</summary>
    public double Accuracy { get; init; }

    public ReliabilityBin[] BinsBefore { get; init; } = Array.Empty<ReliabilityBin>();

    public ReliabilityBin[] BinsAfter { get; init; } = Array.Empty<ReliabilityBin>();

    /// <summary>The reliability plot written, or null when none was asked for.</summary>
    public string? PlotPath { get; init; }
}
