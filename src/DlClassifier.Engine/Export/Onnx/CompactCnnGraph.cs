using DlClassifier.Engine.Models;
using TorchSharp.Modules;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>The ONNX graph of <see cref="CompactCnn"/>: its feature stages in order, then the pooled head.</summary>
internal static class CompactCnnGraph
{
    /// <summary>Appends the network from normalised input to logits and returns the logits' name.</summary>
    public static string WriteLogits(OnnxGraphBuilder builder, OnnxFeatureMap input, CompactCnn network)
    {
        var modules = new NetworkModules(network);
        OnnxFeatureMap x = SequentialGraph.Write(builder, input, modules.Get<Sequential>("features"), "features");

        // Dropout is the identity in evaluation mode, so the head is pooling, flattening and the linear layer.
        x = OnnxLayers.AdaptiveAveragePool(builder, x, network.GridSize, network.GridSize, "pool");
        string flat = OnnxLayers.Flatten(builder, x, "flatten");
        return OnnxLayers.Gemm(builder, flat, modules.Get<Linear>("classifier"), "classifier");
    }
}
