using DlClassifier.Engine.Models.Layers;
using DlClassifier.Engine.Models;
using TorchSharp.Modules;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>
/// The ONNX graph of a torchvision-style <see cref="ResNet"/>: stem, the blocks of layer1 to layer4 as the network
/// holds them (basic blocks, or bottleneck blocks where a block has a third convolution), global pooling, fc.
/// </summary>
internal static class ResNetGraph
{
    /// <summary>Appends the network from normalised input to logits and returns the logits' name.</summary>
    public static string WriteLogits(OnnxGraphBuilder builder, OnnxFeatureMap input, ResNet network)
    {
        var modules = new NetworkModules(network);
        OnnxFeatureMap x = OnnxLayers.Conv(builder, input, modules.Get<Conv2d>("conv1"), "conv1");
        x = OnnxLayers.BatchNorm(builder, x, modules.Get<BatchNorm2d>("bn1"), "bn1");
        x = OnnxLayers.Relu(builder, x, "relu");
        x = OnnxLayers.MaxPool(builder, x, modules.Get<SeparableMaxPool2d>("maxpool"), "maxpool");
        for (int stage = 1; stage <= 4; stage++)
        {
            for (int block = 0; modules.Contains($"layer{stage}.{block}"); block++)
            {
                x = WriteBlock(builder, x, modules, $"layer{stage}.{block}");
            }
        }
        x = OnnxLayers.AdaptiveAveragePool(builder, x, 1, 1, "avgpool");
        string flat = OnnxLayers.Flatten(builder, x, "flatten");
        return OnnxLayers.Gemm(builder, flat, modules.Get<Linear>("fc"), "fc");
    }

    /// <summary>
    /// One residual block: convolution, batch norm and ReLU pairs (two in a basic block, three in a bottleneck
    /// block, the last without ReLU), plus the shortcut, projected by downsample.0/.1 when present, then ReLU.
    /// </summary>
    private static OnnxFeatureMap WriteBlock(OnnxGraphBuilder builder, OnnxFeatureMap input, NetworkModules modules,
        string path)
    {
        int convolutions = modules.Contains($"{path}.conv3") ? 3 : 2;
        OnnxFeatureMap x = input;
        for (int i = 1; i <= convolutions; i++)
        {
            x = OnnxLayers.Conv(builder, x, modules.Get<Conv2d>($"{path}.conv{i}"), $"{path}.conv{i}");
            x = OnnxLayers.BatchNorm(builder, x, modules.Get<BatchNorm2d>($"{path}.bn{i}"), $"{path}.bn{i}");
            if (i < convolutions)
            {
                x = OnnxLayers.Relu(builder, x, $"{path}.relu{i}");
            }
        }
        OnnxFeatureMap shortcut = input;
        if (modules.Contains($"{path}.downsample"))
        {
            shortcut = OnnxLayers.Conv(builder, input, modules.Get<Conv2d>($"{path}.downsample.0"),
                $"{path}.downsample.0");
            shortcut = OnnxLayers.BatchNorm(builder, shortcut, modules.Get<BatchNorm2d>($"{path}.downsample.1"),
                $"{path}.downsample.1");
        }
        x = OnnxLayers.Add(builder, x, shortcut, $"{path}.add");
        return OnnxLayers.Relu(builder, x, $"{path}.relu");
    }
}
