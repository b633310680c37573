using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Explanations;

/// <summary>Gradient-weighted class activation maps on the last convolution block.</summary>
/// <remarks>
/// Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization"
/// (ICCV 2017): with feature maps A^k of the last convolution and the class score y^c, the weights are
/// α_k = mean over pixels of ∂y^c/∂A^k, and the map is ReLU(Σ_k α_k·A^k), upsampled bilinearly to the
/// input size and divided by its maximum.
/// </remarks>
public static class GradCam
{
    /// <summary>
    /// Explains one image file and, when <paramref name="outputPath"/> is given, writes the overlay PNG.
    /// </summary>
    /// <param name="targetClass">The class to explain; null explains the predicted class.</param>
    /// <exception cref="InvalidDataException">The file is not a readable image.</exception>
    /// <exception cref="ArgumentException">The target class is not one of the classifier's.</exception>
    public static DlHeatmap Explain(DlClassifier classifier, string path, string? targetClass, string? outputPath) =>
        HeatmapExplainer.Explain(classifier, path, targetClass, outputPath, HeatmapMethod.GradCam);

    /// <summary>
    /// The Grad-CAM map (height × width, 0..1) of one planar image, its probabilities and the explained class.
    /// </summary>
    internal static (float[] Values, float[] Probabilities, int Target) Compute(DlClassifier classifier, float[] image,
        int target)
    {
        Device device = DeviceManager.Resolve(classifier.Parameters.Device, out _);
        lock (classifier.Gate)
        {
            nn.Module<Tensor, Tensor> network = classifier.Network;
            network.to(device);
            network.eval();
            using var scope = NewDisposeScope();
            using var gradients = enable_grad();
            Tensor input = Predictor.Normalize(classifier, image, 1, device);
            Tensor features;
            using (no_grad())
            {
                features = classifier.Explainable.Features(input);
            }

            // The class score is differentiated with respect to a leaf copy of the feature maps, which gives
            // the same gradient as the maps inside the network without touching the weights' gradients.
            Tensor leaf = features.detach().requires_grad_(true);
            Tensor logits = classifier.Explainable.Classify(leaf);
            float[] probabilities = nn.functional.softmax(logits, 1).detach().cpu().data<float>().ToArray();
            if (target < 0)
            {
                target = Evaluator.ArgMax(probabilities);
            }
            logits[0, target].backward();
            network.zero_grad();

            Tensor weights = leaf.grad!.mean(new long[] { 2, 3 }, keepdim: true);
            Tensor map = nn.functional.relu((weights * leaf).sum(1, keepdim: true));

            // A map whose cells are all equal cannot show where the network looked. Scaled by its maximum it
            // would read as "everything counted most", so it is reported as uniform (all zero) instead. This is
            // always the case when the last feature map is a single pixel, as in the ResNets and MobileNetV2 below
            // 64 pixels.
            bool flat = map.max().item<float>() == map.min().item<float>();
            map = nn.functional.interpolate(map, new long[] { classifier.ImageHeight, classifier.ImageWidth },
                mode: InterpolationMode.Bilinear, align_corners: false);
            float[] values = map.cpu().data<float>().ToArray();
            float max = values.Length == 0 ? 0 : values.Max();
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = !flat && max > 1e-12f && float.IsFinite(values[i]) ? values[i] / max : 0f;
            }
            return (values, probabilities, target);
        }
    }

    /// <summary>Channels × height × width to height × width × channels.</summary>
    internal static float[] ToInterleaved(float[] planar, int channels)
    {
        if (channels == 1)
        {
            return planar;
        }
        int plane = planar.Length / channels;
        var interleaved = new float[planar.Length];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                interleaved[i * channels + c] = planar[c * plane + i];
            }
        }
        return interleaved;
    }
}
