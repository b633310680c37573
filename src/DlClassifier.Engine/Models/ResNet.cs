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
/// Everything but <c>fc</c> is the backbone: <see cref="HeadParameters"/> and <see cref="BackboneParameters"/>
/// split the parameters for transfer learning.
/// </remarks>
public sealed class ResNet : Module<Tensor, Tensor>, IClassifierNetwork
{
    /// <summary>The smallest input side: five halvings leave at least one pixel.</summary>
    public const int MinimumSize = 32;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Linear fc;

    private ResNet(string name, int channels, int width, int height, int[] blocks, int classCount) : base(name)
    {
        if (Math.Min(width, height) < MinimumSize)
        {
            throw new ArgumentException(
                $"{name} needs images of at least {MinimumSize}×{MinimumSize} pixels, not {width}×{height}.");
        }
        conv1 = Conv2d(channels, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64);
        maxpool = MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        int inputChannels = 64;
        layer1 = MakeLayer(ref inputChannels, 64, blocks[0], stride: 1);
        layer2 = MakeLayer(ref inputChannels, 128, blocks[1], stride: 2);
        layer3 = MakeLayer(ref inputChannels, 256, blocks[2], stride: 2);
        layer4 = MakeLayer(ref inputChannels, 512, blocks[3], stride: 2);
        fc = Linear(512, classCount);
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
        new(nameof(ResNet18), channels, width, height, new[] { 2, 2, 2, 2 }, classCount);

    /// <summary>
    /// The ResNet-18 of ML.NET's pretrained image featuriser, exported from CNTK: stages of 2, 2, 2 and 3 basic
    /// blocks, batch-norm epsilon 1e-5, three input channels, and a new linear head for the classes.
    /// </summary>
    /// <remarks>
    /// CNTK pads the stride-2 convolutions and the max pooling asymmetrically (one pixel before, none after),
    /// where this layout pads one pixel on both sides. For inputs of even size, such as the 224×224 the network
    /// takes, the extra pixel after the image is never reached by a window, so both compute the same; the
    /// comparison with ONNX Runtime in the tests holds the port to that.
    /// </remarks>
    public static ResNet CntkResNet18(int classCount) =>
        new(nameof(CntkResNet18), 3, CntkResNet18Weights.InputSize, CntkResNet18Weights.InputSize,
            CntkResNet18Weights.StageBlocks.ToArray(), classCount);

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

    private static Sequential MakeLayer(ref int inputChannels, int channels, int blocks, int stride)
    {
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        for (int i = 0; i < blocks; i++)
        {
            modules.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new BasicBlock(inputChannels, channels, i == 0 ? stride : 1)));
            inputChannels = channels;
        }
        return Sequential(modules);
    }

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
                downsample = Sequential(
                    ("0", Conv2d(input, output, kernel_size: 1, stride: stride, bias: false)),
                    ("1", BatchNorm2d(output)));
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
}
