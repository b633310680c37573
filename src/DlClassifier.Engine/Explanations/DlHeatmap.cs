namespace DlClassifier.Engine.Explanations;

/// <summary>Where in an image the classifier looked for a class, as a Grad-CAM or occlusion map.</summary>
public sealed class DlHeatmap
{
    /// <summary>The explained image.</summary>
    public string Path { get; init; } = "";

    /// <summary>The overlay PNG: the image beside the image tinted with the heat map.</summary>
    public string? OutputPath { get; init; }

    /// <summary>How the map was made.</summary>
    public HeatmapMethod Method { get; init; }

    /// <summary>The class the map explains: the predicted one unless another was asked for.</summary>
    public string TargetClass { get; init; } = "";

    public string PredictedClass { get; init; } = "";

    /// <summary>The probability of the predicted class.</summary>
    public double Confidence { get; init; }

    /// <summary>The width of <see cref="Values"/>: the classifier's input width.</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>The map, row by row, scaled to 0..1 (1 = the region that counted most).</summary>
    public float[] Values { get; init; } = Array.Empty<float>();

    /// <summary>
    /// True when no region counted for the class more than another, as for an image of one grey level; the map
    /// is then all zero.
    /// </summary>
    public bool IsUniform { get; init; }
}
