using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Engine.Models;

/// <summary>
/// MobileNetV2 at width 1.0 in torchvision's layout and naming (features.0 … features.18, classifier.1), so its
/// state-dict keys read as PyTorch's do: a strided 3×3 convolution, 17 inverted residual blocks, a 1×1
/// convolution to 1280 channels, average pooling, dropout 0.2 and a linear classifier.
/// </summary>
/// <remarks>
/// Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks" (2018). Each block widens its input
/// by a 1×1 convolution (by 6, except the first block), filters every channel on its own with a 3×3
/// depthwise convolution and narrows again with a 1×1 convolution that has no activation; the input is added
/// back when the block keeps both stride and channels. Activations are ReLU6. Weights are drawn as torchvision
/// draws them: convolutions He-normal over their fan-out, batch norms at scale 1 and shift 0, the linear layer
/// normal with deviation 0.01 and zero bias.
/// </remarks>
public sealed class MobileNetV2 : Module<Tensor, Tensor>, IClassifierNetwork
{
    /// <summary>The smallest input side: five halvings leave at least one pixel.</summary>
    public const int MinimumSize = 32;

    /// <summary>The channel count of <see cref="Features"/>.</summary>
    public const int FeatureChannels = 1280;

    // Per stage: expansion factor, output channels, block count, stride of the first block (the paper's Table 2).
    private static readonly (int Expansion, int Channels, int Blocks, int Stride)[] Stages =
    {
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    };

    private readonly Sequential features;
    private readonly Sequential classifier;

    public MobileNetV2(int channels, int width, int height, int classCount) : base(nameof(MobileNetV2))
    {
        if (Math.Min(width, height) < MinimumSize)
        {
            throw new ArgumentException(
                $"{nameof(MobileNetV2)} needs images of at least {MinimumSize}×{MinimumSize} pixels, " +
                $"not {width}×{height}.");
        }

        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("0", ConvNormActivation(channels, 32, kernelSize: 3, stride: 2)),
        };
        int inputChannels = 32;
        foreach ((int expansion, int outputChannels, int blocks, int stride) in Stages)
        {
            for (int i = 0; i < blocks; i++)
            {
                layers.Add((layers.Count.ToString(CultureInfo.InvariantCulture),
                    new InvertedResidual(inputChannels, outputChannels, i == 0 ? stride : 1, expansion)));
                inputChannels = outputChannels;
            }
        }
        layers.Add((layers.Count.ToString(CultureInfo.InvariantCulture),
            ConvNormActivation(inputChannels, FeatureChannels, kernelSize: 1)));
        features = Sequential(layers);
        classifier = Sequential(("0", Dropout(0.2)), ("1", Linear(FeatureChannels, classCount)));
        RegisterComponents();
        InitializeWeights();
    }

    public Tensor Features(Tensor input) => features.forward(input);

    public Tensor Classify(Tensor featureMaps)
    {
        using var scope = NewDisposeScope();
        return classifier.forward(functional.adaptive_avg_pool2d(featureMaps, 1).flatten(1))
            .MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Classify(Features(input)).MoveToOuterDisposeScope();
    }

    /// <summary>The parameters and batch-norm statistics, keyed and ordered as torchvision's state dict.</summary>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null,
        string? prefix = null) => PyTorchStateOrder.StateDict(this, destination, prefix);

    /// <summary>
    /// A convolution without bias, batch norm and ReLU6, named 0, 1 and 2 as torchvision's
    /// Conv2dNormActivation; padding keeps the size apart from the stride.
    /// </summary>
    private static Sequential ConvNormActivation(int input, int output, int kernelSize, int stride = 1,
        int groups = 1) => Sequential(
        ("0", Conv2d(input, output, kernel_size: kernelSize, stride: stride, padding: (kernelSize - 1) / 2,
            groups: groups, bias: false)),
        ("1", BatchNorm2d(output)),
        ("2", ReLU6()));

    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        foreach ((string _, Module module) in named_modules())
        {
            switch (module)
            {
                case Conv2d convolution:
                    // torchvision leaves the nonlinearity at its default (leaky ReLU with slope 0), whose gain
                    // equals ReLU's.
                    init.kaiming_normal_(convolution.weight, mode: init.FanInOut.FanOut);
                    break;
                case Linear linear:
                    init.normal_(linear.weight, 0, 0.01);
                    init.zeros_(linear.bias);
                    break;
            }
        }
    }

    /// <summary>
    /// Widen by 1×1 (left out at expansion 1), depthwise 3×3 carrying the stride, narrow by 1×1 without
    /// activation; the sequence is the field <c>conv</c>, as in torchvision.
    /// </summary>
    private sealed class InvertedResidual : Module<Tensor, Tensor>
    {
        private readonly Sequential conv;
        private readonly bool addsInput;

        public InvertedResidual(int input, int output, int stride, int expansion) : base(nameof(InvertedResidual))
        {
            int hidden = input * expansion;
            var layers = new List<(string, Module<Tensor, Tensor>)>();
            if (expansion != 1)
            {
                layers.Add(("0", ConvNormActivation(input, hidden, kernelSize: 1)));
            }
            layers.Add((layers.Count.ToString(CultureInfo.InvariantCulture),
                ConvNormActivation(hidden, hidden, kernelSize: 3, stride: stride, groups: hidden)));
            layers.Add((layers.Count.ToString(CultureInfo.InvariantCulture),
                Conv2d(hidden, output, kernel_size: 1, bias: false)));
            layers.Add((layers.Count.ToString(CultureInfo.InvariantCulture), BatchNorm2d(output)));
            conv = Sequential(layers);
            addsInput = stride == 1 && input == output;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            if (!addsInput)
            {
                return conv.forward(input);
            }
            using var scope = NewDisposeScope();
            return (input + conv.forward(input)).MoveToOuterDisposeScope();
        }
    }
}
