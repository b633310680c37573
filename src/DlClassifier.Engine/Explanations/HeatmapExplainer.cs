using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Plots;

namespace DlClassifier.Engine.Explanations;

/// <summary>Explains image files with the heat map method asked for and draws the overlays.</summary>
public static class HeatmapExplainer
{
    /// <summary>Explains one image file; when <paramref name="outputPath"/> is given, writes the overlay PNG.</summary>
    /// <param name="targetClass">The class to explain; null explains the predicted class.</param>
    /// <param name="windowSize">The occlusion window side in pixels; null for
    /// <see cref="Occlusion.DefaultWindowSize"/>. Grad-CAM ignores it.</param>
    /// <param name="stride">The occlusion step in pixels; null for <see cref="Occlusion.DefaultStride"/>.</param>
    /// <remarks>
    /// An image whose pixels are all equal holds no region to point at, so its map is all zero and marked
    /// uniform whatever the method: Grad-CAM would otherwise show the border effects of zero padding, and
    /// occlusion the difference between the image's grey and the mean's.
    /// </remarks>
    /// <param name="maxPixels">The largest width × height the file may declare; a larger file is refused
    /// before its pixels are decoded.</param>
    /// <exception cref="InvalidDataException">The file is not a readable image.</exception>
    /// <exception cref="ImageTooLargeException">The file declares more than <paramref name="maxPixels"/>.</exception>
    /// <exception cref="ArgumentException">The target class is not one of the classifier's.</exception>
    public static DlHeatmap Explain(DlClassifier classifier, string path, string? targetClass, string? outputPath,
        HeatmapMethod method = HeatmapMethod.GradCam, int? windowSize = null, int? stride = null,
        CancellationToken cancellation = default, long maxPixels = ImageReader.DefaultMaxPixels)
    {
        int target = -1;
        if (targetClass is not null)
        {
            target = Array.IndexOf(classifier.ClassNames, targetClass);
            if (target < 0)
            {
                throw new ArgumentException(
                    $"'{targetClass}' is not one of the classes ({string.Join(", ", classifier.ClassNames)}).",
                    nameof(targetClass));
            }
        }
        int width = classifier.ImageWidth;
        int height = classifier.ImageHeight;
        float[] image = ImageReader.ReadPlanar(path, width, height, classifier.ImageChannels, maxPixels);
        int window = windowSize ?? Occlusion.DefaultWindowSize(width, height);
        (float[] values, float[] probabilities, int explained) = method == HeatmapMethod.Occlusion
            ? Occlusion.Compute(classifier, image, target, window, stride ?? Occlusion.DefaultStride(window),
                cancellation)
            : GradCam.Compute(classifier, image, target);
        if (image.All(v => v == image[0]))
        {
            Array.Clear(values);
        }
        bool uniform = values.All(v => v == 0);
        if (outputPath is not null)
        {
            HeatmapOverlay.Write(outputPath, GradCam.ToInterleaved(image, classifier.ImageChannels), width, height,
                classifier.ImageChannels, values, width, height);
        }
        int predicted = Evaluator.ArgMax(probabilities);
        return new DlHeatmap
        {
            Path = path, OutputPath = outputPath, Method = method, TargetClass = classifier.ClassNames[explained],
            PredictedClass = classifier.ClassNames[predicted], Confidence = probabilities[predicted],
            Width = width, Height = height, Values = values, IsUniform = uniform,
        };
    }
}
