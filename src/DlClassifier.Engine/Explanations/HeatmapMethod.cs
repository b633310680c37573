namespace DlClassifier.Engine.Explanations;

/// <summary>How a heat map finds the regions of an image that counted for a class.</summary>
public enum HeatmapMethod
{
    /// <summary>Gradients of the class score on the last convolution block: one pass, coarse as that block.</summary>
    GradCam,

    /// <summary>How much the class probability drops when a window of the image is greyed out: one pass per
    /// window, independent of the architecture.</summary>
    Occlusion,
}
