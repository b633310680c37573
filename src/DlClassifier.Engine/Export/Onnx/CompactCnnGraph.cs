using DlClassifier.Engine.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>The ONNX graph of <see cref="CompactCnn"/>: its feature stages in order, then the pooled head.</summary>
internal static class CompactCnnGraph
{
    /// <summary>Appends the network from normalised input to logits and returns the logits' name.</summary>
    public static string WriteLogits(OnnxGraphBuilder builder, OnnxFeatureMap input, CompactCnn network)
    {
        var modules = new NetworkModules(network);
        OnnxFeatureMap x = input;
        foreach ((string name, nn.Module layer) in modules.Get<Sequential>("features").named_children())
        {
            string path = $"features.{name}";
            x = layer switch
            {
                Conv2d convolution => OnnxLayers.Conv(builder, x, convolution, path),
                BatchNorm2d norm => OnnxLayers.BatchNorm(builder, x, norm, path),
                ReLU => OnnxLayers.Relu(builder, x, path),
                MaxPool2d pool => OnnxLayers.MaxPool(builder, x, pool, path),
                _ => throw new InvalidOperationException(
                    $"The compact CNN's layer '{path}' is a {layer.GetType().Name}, which its ONNX graph " +
                    "description does not know."),
            };
        }

        // Dropout is the identity in evaluation mode, so the head is pooling, flattening and the linear layer.
        x = OnnxLayers.AdaptiveAveragePool(builder, x, network.GridSize, network.GridSize, "pool");
        string flat = OnnxLayers.Flatten(builder, x, "flatten");
        return OnnxLayers.Gemm(builder, flat, modules.Get<Linear>("classifier"), "classifier");
    }
}
