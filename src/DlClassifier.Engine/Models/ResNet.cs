using DlClassifier.Engine.Models.Layers;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Engine.Models;

/// <summary>
/// The residual network of He et al., "Deep Residual Learning for Image Recognition" (2016), in torchvision's
/// layout and naming (conv1, bn1, layer1…layer4, fc), so its state-dict keys read as PyTorch's do.
/// </summary>
/// <remarks>
/// ResNet-18 stacks basic blocks (two 3×3 convolutions); ResNet-50 stacks bottleneck blocks (1×1, 3×3, 1×1
/// with four times as many output channels) and strides on the 3×3 convolution, as torchvision does ("ResNet
/// v1.5"; the paper strides on the first 1×1 convolution). Weights are drawn as torchvision draws them:
/// convolutions He-normal over their fan-out, batch norms at scale 1 and shift 0, the linear layer with
/// PyTorch's default. Everything but <c>fc</c> is the backbone: <see cref="HeadParameters"/> and
/// <see cref="BackboneParameters"/> split the parameters for transfer learning.
/// </remarks>
public sealed class ResNet : Module<Tensor, Tensor>, IClassifierNetwork
{
    /// <summary>The smallest input side: five halvings leave at least one pixel.</summary>
    public const int MinimumSize = 32;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly SeparableMaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Linear fc;

    private ResNet(string name, int channels, int width, int height, int[] blocks, bool bottleneck, int classCount)
        : base(name)
    {
        if (Math.Min(width, height) < MinimumSize)
        {
            throw new ArgumentException(
                $"{name} needs images of at least {MinimumSize}×{MinimumSize} pixels, not {width}×{height}.");
        }
        conv1 = Conv2d(channels, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64);
        maxpool = new SeparableMaxPool2d(kernelSize: 3, stride: 2, padding: 1);
        int inputChannels = 64;
        layer1 = MakeLayer(ref inputChannels, 64, blocks[0], stride: 1, bottleneck);
        layer2 = MakeLayer(ref inputChannels, 128, blocks[1], stride: 2, bottleneck);
        layer3 = MakeLayer(ref inputChannels, 256, blocks[2], stride: 2, bottleneck);
        layer4 = MakeLayer(ref inputChannels, 512, blocks[3], stride: 2, bottleneck);
        FeatureChannels = inputChannels;
        fc = Linear(inputChannels, classCount);
        RegisterComponents();

        using var noGrad = torch.no_grad();
        foreach ((string _, Module module) in named_modules())
        {
            if (module is Conv2d convolution)
            {
                init.kaiming_normal_(convolution.weight, mode: init.FanInOut.FanOut,
                    nonlinearity: init.NonlinearityType.ReLU);
            }
        }
    }

    /// <summary>ResNet-18: two basic blocks in each of the four stages.</summary>
    public static ResNet ResNet18(int channels, int width, int height, int classCount) =>
        new(nameof(ResNet18), channels, width, height, new[] { 2, 2, 2, 2 }, bottleneck: false, classCount);

    /// <summary>ResNet-50: 3, 4, 6 and 3 bottleneck blocks in the four stages.</summary>
    public static ResNet ResNet50(int channels, int width, int height, int classCount) =>
        new(nameof(ResNet50), channels, width, height, new[] { 3, 4, 6, 3 }, bottleneck: true, classCount);

    /// <summary>The channel count of <see cref="Features"/>: 512 for ResNet-18, 2048 for ResNet-50.</summary>
    public int FeatureChannels { get; }

    /// <summary>
    /// The ResNet-18 of ML.NET's pretrained image featuriser, exported from CNTK: stages of 2, 2, 2 and 3 basic
    /// blocks, batch-norm epsilon 1e-5, three input channels, and a new linear head for the classes.
    /// </summary>
    /// <remarks>
    /// CNTK pads the stride-2 convolutions and the max pooling asymmetrically (one pixel before, none after),
    /// where this layout pads one pixel on both sides. Where a stride-2 layer reads a map of even size, as at the
    /// 224×224 the weights were trained at, the extra pixel after the image is never reached by a window, so both
    /// compute the same; the comparison with ONNX Runtime in the tests holds the port to that. Sides that are
    /// multiples of 32 keep every such map even. At other sizes the last row and column of windows of some layer
    /// also read one pixel of zero padding that CNTK would not have; training, prediction and the ONNX export all
    /// compute this network, so they agree with each other.
    /// </remarks>
    public static ResNet CntkResNet18(int classCount, int width = CntkResNet18Weights.InputSize,
        int height = CntkResNet18Weights.InputSize) =>
        new(nameof(CntkResNet18), 3, width, height, CntkResNet18Weights.StageBlocks.ToArray(), bottleneck: false,
            classCount);

    /// <summary>The parameters of the linear head (<c>fc</c>).</summary>
    public IEnumerable<Parameter> HeadParameters() => fc.parameters();

    /// <summary>Every parameter but the head's.</summary>
    public IEnumerable<Parameter> BackboneParameters() =>
        named_parameters().Where(p => !p.name.StartsWith("fc.", StringComparison.Ordinal)).Select(p => p.parameter);

    /// <summary>The backbone's output averaged over the image: batch × 512 × 1 × 1, what the head reads.</summary>
    public Tensor PooledFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        return functional.adaptive_avg_pool2d(Features(input), 1).MoveToOuterDisposeScope();
    }

    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = maxpool.forward(functional.relu(bn1.forward(conv1.forward(input))));
        x = layer4.forward(layer3.forward(layer2.forward(layer1.forward(x))));
        return x.MoveToOuterDisposeScope();
    }

    public Tensor Classify(Tensor features)
    {
        using var scope = NewDisposeScope();
        return fc.forward(functional.adaptive_avg_pool2d(features, 1).flatten(1)).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Classify(Features(input)).MoveToOuterDisposeScope();
    }

    /// <summary>The parameters and batch-norm statistics, keyed and ordered as torchvision's state dict.</summary>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null,
        string? prefix = null) => PyTorchStateOrder.StateDict(this, destination, prefix);

    private static Sequential MakeLayer(ref int inputChannels, int channels, int blocks, int stride, bool bottleneck)
    {
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        for (int i = 0; i < blocks; i++)
        {
            int blockStride = i == 0 ? stride : 1;
            string name = i.ToString(CultureInfo.InvariantCulture);
            if (bottleneck)
            {
                modules.Add((name, new Bottleneck(inputChannels, channels, blockStride)));
                inputChannels = channels * Bottleneck.Expansion;
            }
            else
            {
                modules.Add((name, new BasicBlock(inputChannels, channels, blockStride)));
                inputChannels = channels;
            }
        }
        return Sequential(modules);
    }

    /// <summary>The 1×1 convolution and batch norm that project a shortcut whose shape changes.</summary>
    private static Sequential Downsample(int input, int output, int stride) => Sequential(
        ("0", Conv2d(input, output, kernel_size: 1, stride: stride, bias: false)),
        ("1", BatchNorm2d(output)));

    /// <summary>Two 3×3 convolutions with a shortcut, projected when the shape changes.</summary>
    private sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Sequential? downsample;

        public BasicBlock(int input, int output, int stride) : base(nameof(BasicBlock))
        {
            conv1 = Conv2d(input, output, kernel_size: 3, stride: stride, padding: 1, bias: false);
            bn1 = BatchNorm2d(output);
            conv2 = Conv2d(output, output, kernel_size: 3, padding: 1, bias: false);
            bn2 = BatchNorm2d(output);
            if (stride != 1 || input != output)
            {
                downsample = Downsample(input, output, stride);
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor x = functional.relu(bn1.forward(conv1.forward(input)));
            x = bn2.forward(conv2.forward(x));
            Tensor shortcut = downsample is null ? input : downsample.forward(input);
            return functional.relu(x + shortcut).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// A 1×1 convolution down to the block's width, a 3×3 convolution carrying the stride, and a 1×1
    /// convolution up to four times the width, with a shortcut projected when the shape changes.
    /// </summary>
    private sealed class Bottleneck : Module<Tensor, Tensor>
    {
        /// <summary>How many times the block's width its output has.</summary>
        public const int Expansion = 4;

        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Conv2d conv3;
        private readonly BatchNorm2d bn3;
        private readonly Sequential? downsample;

        public Bottleneck(int input, int width, int stride) : base(nameof(Bottleneck))
        {
            int output = width * Expansion;
            conv1 = Conv2d(input, width, kernel_size: 1, bias: false);
            bn1 = BatchNorm2d(width);
            conv2 = Conv2d(width, width, kernel_size: 3, stride: stride, padding: 1, bias: false);
            bn2 = BatchNorm2d(width);
            conv3 = Conv2d(width, output, kernel_size: 1, bias: false);
            bn3 = BatchNorm2d(output);
            if (stride != 1 || input != output)
            {
                downsample = Downsample(input, output, stride);
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor x = functional.relu(bn1.forward(conv1.forward(input)));
            x = functional.relu(bn2.forward(conv2.forward(x)));
            x = bn3.forward(conv3.forward(x));
            Tensor shortcut = downsample is null ? input : downsample.forward(input);
            return functional.relu(x + shortcut).MoveToOuterDisposeScope();
        }
    }
}
