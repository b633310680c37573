using DlClassifier.Engine.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>
/// Writes a chain of layers that run one after another (a <see cref="Sequential"/>, nested ones included), as
/// the feature stages of the compact CNN and torchvision's convolution, norm and activation triples are.
/// </summary>
internal static class SequentialGraph
{
    /// <summary>Appends every layer of <paramref name="sequence"/> in order, named by its state-dict path.</summary>
    /// <exception cref="InvalidOperationException">A layer is of a kind no writer knows.</exception>
    public static OnnxFeatureMap Write(OnnxGraphBuilder builder, OnnxFeatureMap input, Sequential sequence,
        string path)
    {
        OnnxFeatureMap x = input;
        foreach ((string name, nn.Module layer) in sequence.named_children())
        {
            string layerPath = $"{path}.{name}";
            x = layer switch
            {
                Conv2d convolution => OnnxLayers.Conv(builder, x, convolution, layerPath),
                BatchNorm2d norm => OnnxLayers.BatchNorm(builder, x, norm, layerPath),
                ReLU => OnnxLayers.Relu(builder, x, layerPath),
                ReLU6 => OnnxLayers.Relu6(builder, x, layerPath),
                MaxPool2d pool => OnnxLayers.MaxPool(builder, x, pool, layerPath),
                SeparableMaxPool2d pool => OnnxLayers.MaxPool(builder, x, pool, layerPath),

                // Dropout is the identity in evaluation mode.
                Dropout => x,
                Sequential inner => Write(builder, x, inner, layerPath),
                _ => throw new InvalidOperationException(
                    $"The layer '{layerPath}' is a {layer.GetType().Name}, which no ONNX layer writer knows."),
            };
        }
        return x;
    }
}
