using DlClassifier.Engine.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Bench;

/// <summary>
/// The shared reference's "model A", rebuilt through TorchSharp layer for layer: two stages of 3×3 convolution
/// (with bias), batch norm, ReLU and 2×2 max pooling (32 then 64 channels), dropout 0.25 and a linear layer from
/// 64·7·7 to 10 outputs: 50,378 parameters, as in PyTorch. The pooling is the engine's own
/// <see cref="SeparableMaxPool2d"/>, as in the engine's compact CNN: the same values as MaxPool2d(2), computed faster.
/// </summary>
internal sealed class NetworkA : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Dropout dropout;
    private readonly Linear fc;

    public NetworkA() : base(nameof(NetworkA))
    {
        features = Sequential(
            Conv2d(1, 32, kernel_size: 3, padding: 1), BatchNorm2d(32), ReLU(inplace: true),
            new SeparableMaxPool2d(kernelSize: 2, stride: 2),
            Conv2d(32, 64, kernel_size: 3, padding: 1), BatchNorm2d(64), ReLU(inplace: true),
            new SeparableMaxPool2d(kernelSize: 2, stride: 2));
        dropout = Dropout(0.25);
        fc = Linear(64 * 7 * 7, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return fc.forward(dropout.forward(features.forward(input).flatten(1))).MoveToOuterDisposeScope();
    }
}
