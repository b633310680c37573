using DlClassifier.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Engine.Models;

/// <summary>
/// A compact convolutional network: stages of 3×3 convolution, batch norm, ReLU and 2×2 max pooling until
/// the feature map is 6 to 11 pixels across, one more convolution, average pooling to a grid of at most
/// 7×7, dropout and a linear classifier. Channel counts double per stage from 32 up to 256.
/// </summary>
/// <remarks>
/// The stage count follows the input so that a 28×28 image gets two pooling stages (as the classic
/// Fashion-MNIST networks do) and a 224×224 image five. Pooling to a fixed grid, rather than to one value,
/// keeps where a feature was found, which matters for shapes such as garments, while the parameter count
/// stays independent of the input size.
/// </remarks>
public sealed class CompactCnn : Module<Tensor, Tensor>, IClassifierNetwork
{
    /// <summary>The smallest input side the network accepts.</summary>
    public const int MinimumSize = 8;

    private readonly Sequential features;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public CompactCnn(int channels, int width, int height, int classCount) : base(nameof(CompactCnn))
    {
        if (Math.Min(width, height) < MinimumSize)
        {
            throw new ArgumentException(
                $"The compact CNN needs images of at least {MinimumSize}×{MinimumSize} pixels, " +
                $"not {width}×{height}.");
        }

        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int inputChannels = channels, outputChannels = 32, side = Math.Min(width, height), stage = 0;
        do
        {
            AddConvolution(layers, stage, inputChannels, outputChannels);
            layers.Add(($"pool{stage}", new SeparableMaxPool2d(kernelSize: 2, stride: 2)));
            inputChannels = outputChannels;
            outputChannels = Math.Min(outputChannels * 2, 256);
            side /= 2;
            stage++;
        }
        while (side >= 12);
        AddConvolution(layers, stage, inputChannels, outputChannels);

        features = Sequential(layers);
        FeatureChannels = outputChannels;
        GridSize = Math.Min(7, Math.Max(1, side));
        dropout = Dropout(0.3);
        classifier = Linear(outputChannels * GridSize * GridSize, classCount);
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The channel count of <see cref="Features"/>.</summary>
    public int FeatureChannels { get; }

    /// <summary>The side of the grid the feature maps are averaged to before the linear classifier.</summary>
    public int GridSize { get; }

    public Tensor Features(Tensor input) => features.forward(input);

    public Tensor Classify(Tensor featureMaps)
    {
        using var scope = NewDisposeScope();
        Tensor pooled = functional.adaptive_avg_pool2d(featureMaps, GridSize).flatten(1);
        return classifier.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Classify(Features(input)).MoveToOuterDisposeScope();
    }

    private static void AddConvolution(List<(string, Module<Tensor, Tensor>)> layers, int stage, int input, int output)
    {
        layers.Add(($"conv{stage}", Conv2d(input, output, kernel_size: 3, padding: 1, bias: false)));
        layers.Add(($"bn{stage}", BatchNorm2d(output)));
        layers.Add(($"relu{stage}", ReLU(inplace: true)));
    }

    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        foreach ((string name, Module module) in named_modules())
        {
            if (module is Conv2d convolution)
            {
                init.kaiming_normal_(convolution.weight, mode: init.FanInOut.FanOut,
                    nonlinearity: init.NonlinearityType.ReLU);
            }
        }
    }
}
