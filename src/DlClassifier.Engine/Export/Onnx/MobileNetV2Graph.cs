using DlClassifier.Engine.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>
/// The ONNX graph of <see cref="MobileNetV2"/> in torchvision's layout: features.0 and the last feature layer are
/// convolution, norm and ReLU6 chains; the layers between are inverted residual blocks, whose chain is their
/// <c>conv</c> child; then global average pooling and classifier.1 (classifier.0 is dropout).
/// </summary>
internal static class MobileNetV2Graph
{
    /// <summary>Appends the network from normalised input to logits and returns the logits' name.</summary>
    public static string WriteLogits(OnnxGraphBuilder builder, OnnxFeatureMap input, MobileNetV2 network)
    {
        var modules = new NetworkModules(network);
        OnnxFeatureMap x = input;
        foreach ((string name, nn.Module layer) in modules.Get<Sequential>("features").named_children())
        {
            string path = $"features.{name}";
            x = layer is Sequential chain
                ? SequentialGraph.Write(builder, x, chain, path)
                : WriteInvertedResidual(builder, x, modules, path);
        }
        x = OnnxLayers.AdaptiveAveragePool(builder, x, 1, 1, "pool");
        string flat = OnnxLayers.Flatten(builder, x, "flatten");
        return OnnxLayers.Gemm(builder, flat, modules.Get<Linear>("classifier.1"), "classifier.1");
    }

    /// <summary>
    /// An inverted residual block: its chain, plus its input when the block keeps stride and channels, which is
    /// the rule torchvision's block follows (every convolution of stride 1, as many channels out as in).
    /// </summary>
    private static OnnxFeatureMap WriteInvertedResidual(OnnxGraphBuilder builder, OnnxFeatureMap input,
        NetworkModules modules, string path)
    {
        var chain = modules.Get<Sequential>($"{path}.conv");
        OnnxFeatureMap output = SequentialGraph.Write(builder, input, chain, $"{path}.conv");
        bool keepsStride = chain.modules().OfType<Conv2d>().All(c => c.stride.All(s => s == 1));
        return keepsStride && output.Channels == input.Channels
            ? OnnxLayers.Add(builder, output, input, $"{path}.add")
            : output;
    }
}
