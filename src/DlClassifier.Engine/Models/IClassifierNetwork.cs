using static TorchSharp.torch;

namespace DlClassifier.Engine.Models;

/// <summary>
/// A classification network split where explanations need it: the feature maps of the last convolution,
/// and the head that turns them into class scores.
/// </summary>
public interface IClassifierNetwork
{
    /// <summary>The output of the last convolution block, batch × channels × height × width.</summary>
    Tensor Features(Tensor input);

    /// <summary>Class scores (logits) from <see cref="Features"/>.</summary>
    Tensor Classify(Tensor features);
}
