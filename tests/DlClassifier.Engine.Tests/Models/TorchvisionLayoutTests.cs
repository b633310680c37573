using System.Globalization;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Persistence;
using DlClassifier.Engine.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Models;

/// <summary>
/// The torchvision architectures against torchvision 0.14 itself: state-dict keys in order with their shapes
/// (listings in Models/Torchvision, written by list_state_dicts.py there), and the counts that script prints.
/// </summary>
[Collection("Native")]
public sealed class TorchvisionLayoutTests : IDisposable
{
    private readonly TemporaryFolder folder = new("torchvision-layout");

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(NetworkArchitecture.ResNet18, "resnet18")]
    [InlineData(NetworkArchitecture.ResNet50, "resnet50")]
    [InlineData(NetworkArchitecture.MobileNetV2, "mobilenet_v2")]
    public void StateDict_TenClasses_EqualsTorchvisionKeysOrderAndShapes(NetworkArchitecture architecture,
        string torchvisionName)
    {
        string[] expected = ReadListing(torchvisionName);
        using var network = NetworkFactory.Create(architecture, 3, 32, 32, classCount: 10, seed: 1);

        string[] actual = network.state_dict().Select(entry => $"{entry.Key} {Shape(entry.Value)}").ToArray();

        Assert.Equal(expected, actual);
    }

    [Theory]
    // Figures printed by list_state_dicts.py: entries, parameter tensors, parameters, and every value of the
    // state dict (parameters and batch-norm buffers).
    [InlineData(NetworkArchitecture.ResNet18, 10, 122, 62, 11_181_642L, 11_191_262L)]
    [InlineData(NetworkArchitecture.ResNet18, 1000, 122, 62, 11_689_512L, 11_699_132L)]
    [InlineData(NetworkArchitecture.ResNet50, 10, 320, 161, 23_528_522L, 23_581_695L)]
    [InlineData(NetworkArchitecture.ResNet50, 1000, 320, 161, 25_557_032L, 25_610_205L)]
    [InlineData(NetworkArchitecture.MobileNetV2, 10, 314, 158, 2_236_682L, 2_270_846L)]
    [InlineData(NetworkArchitecture.MobileNetV2, 1000, 314, 158, 3_504_872L, 3_539_036L)]
    public void Counts_ColourInput_EqualTorchvision(NetworkArchitecture architecture, int classCount, int entries,
        int parameterTensors, long parameters, long stateValues)
    {
        using var network = NetworkFactory.Create(architecture, 3, 32, 32, classCount, seed: 1);

        Dictionary<string, Tensor> state = network.state_dict();

        Assert.Equal(entries, state.Count);
        Assert.Equal(parameterTensors, network.parameters().Count());
        Assert.Equal(parameters, network.parameters().Sum(p => p.numel()));
        Assert.Equal(stateValues, state.Values.Sum(v => v.numel()));
    }

    [Theory]
    [InlineData(NetworkArchitecture.ResNet18, "conv1.weight", 64, 7)]
    [InlineData(NetworkArchitecture.ResNet50, "conv1.weight", 64, 7)]
    [InlineData(NetworkArchitecture.MobileNetV2, "features.0.0.weight", 32, 3)]
    public void FirstConvolution_GreyInput_TakesOneChannel(NetworkArchitecture architecture, string key,
        int filters, int kernel)
    {
        using var network = NetworkFactory.Create(architecture, 1, 32, 32, classCount: 10, seed: 1);

        Assert.Equal(new long[] { filters, 1, kernel, kernel }, network.state_dict()[key].shape);
    }

    [Theory]
    [InlineData(NetworkArchitecture.ResNet50, 1, 32, 32, 2048, 1, 1)]
    [InlineData(NetworkArchitecture.ResNet50, 3, 64, 40, 2048, 2, 2)]
    [InlineData(NetworkArchitecture.MobileNetV2, 1, 32, 32, 1280, 1, 1)]
    [InlineData(NetworkArchitecture.MobileNetV2, 3, 96, 64, 1280, 2, 3)]
    public void Forward_SmallInput_GivesOneScorePerClassAndFeatureMaps(NetworkArchitecture architecture,
        int channels, int width, int height, int featureChannels, int featureHeight, int featureWidth)
    {
        using var network = NetworkFactory.Create(architecture, channels, width, height, classCount: 4, seed: 1);
        network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor input = randn(2, channels, height, width);

        Tensor output = network.forward(input);
        Tensor features = ((IClassifierNetwork)network).Features(input);

        Assert.Equal(new long[] { 2, 4 }, output.shape);
        Assert.Equal(new long[] { 2, featureChannels, featureHeight, featureWidth }, features.shape);
        Assert.True(output.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(NetworkArchitecture.ResNet50, 31, 32)]
    [InlineData(NetworkArchitecture.ResNet50, 32, 16)]
    [InlineData(NetworkArchitecture.MobileNetV2, 31, 32)]
    [InlineData(NetworkArchitecture.MobileNetV2, 64, 8)]
    public void Create_BelowMinimumSize_ThrowsArgumentExceptionNamingSize(NetworkArchitecture architecture,
        int width, int height)
    {
        var error = Assert.Throws<ArgumentException>(
            () => NetworkFactory.Create(architecture, 3, width, height, classCount: 2, seed: 1));

        Assert.Contains($"{width}×{height}", error.Message);
        Assert.Contains("32×32", error.Message);
    }

    [Fact]
    public void MobileNetV2_NewNetwork_InitialisesAsTorchvision()
    {
        using var network = NetworkFactory.Create(NetworkArchitecture.MobileNetV2, 3, 32, 32, 1000, seed: 3);
        Dictionary<string, Tensor> state = network.state_dict();

        Tensor linear = state["classifier.1.weight"];
        Tensor convolution = state["features.18.0.weight"];

        Assert.Equal(0.0, state["classifier.1.bias"].abs().max().item<float>());
        Assert.InRange(linear.std().item<float>(), 0.0099, 0.0101);
        // He-normal over the fan-out: deviation sqrt(2 / (1280 · 1 · 1)) = 0.03953.
        Assert.InRange(convolution.std().item<float>(), 0.0390, 0.0401);
        Assert.Equal(1.0, state["features.1.conv.2.weight"].min().item<float>());
        Assert.Equal(0.0, state["features.1.conv.2.bias"].abs().max().item<float>());
    }

    [Fact]
    public void ResNet50_NewNetwork_InitialisesConvolutionsAsTorchvision()
    {
        using var network = NetworkFactory.Create(NetworkArchitecture.ResNet50, 3, 32, 32, 10, seed: 3);

        Tensor convolution = network.state_dict()["layer4.0.conv2.weight"];

        // He-normal over the fan-out: deviation sqrt(2 / (512 · 3 · 3)) = 0.02083.
        Assert.InRange(convolution.std().item<float>(), 0.0206, 0.0211);
    }

    [Theory]
    [InlineData(NetworkArchitecture.ResNet50, 1)]
    [InlineData(NetworkArchitecture.MobileNetV2, 3)]
    public void ClassifierFile_ChangedWeights_LoadsIdenticalOutputs(NetworkArchitecture architecture, int channels)
    {
        string path = Path.Combine(folder.Path, $"{architecture}.dlc");
        using DlClassifier original = NetworkFactory.CreateClassifier(architecture, new[] { "a", "b", "c" }, 32, 32,
            channels);
        using var scope = NewDisposeScope();
        Tensor input = randn(2, channels, 32, 32, generator: new Generator(11));
        Tensor seeded = Evaluate(original.Network, input);
        Disturb(original.Network, input);

        ClassifierFile.Save(original, path);
        using DlClassifier loaded = ClassifierFile.Load(path);

        Tensor expected = Evaluate(original.Network, input);
        Assert.Equal(architecture, loaded.Architecture);
        Assert.True(expected.eq(Evaluate(loaded.Network, input)).all().item<bool>());
        // Loading first rebuilds the seeded weights, so only the weights read from the file can give equality.
        Assert.False(expected.eq(seeded).all().item<bool>());
    }

    private static Tensor Evaluate(nn.Module<Tensor, Tensor> network, Tensor input)
    {
        network.eval();
        using var noGrad = no_grad();
        return network.forward(input);
    }

    /// <summary>Moves every weight and the batch-norm statistics away from the seeded start.</summary>
    private static void Disturb(nn.Module<Tensor, Tensor> network, Tensor input)
    {
        using var noGrad = no_grad();
        var generator = new Generator(5);
        foreach (Tensor parameter in network.parameters())
        {
            parameter.add_(randn(parameter.shape, generator: generator) * 0.05);
        }
        network.train();
        network.forward(input);
    }

    private static string Shape(Tensor tensor) =>
        "[" + string.Join(", ", tensor.shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string[] ReadListing(string torchvisionName)
    {
        using Stream stream = typeof(TorchvisionLayoutTests).Assembly
            .GetManifestResourceStream($"Torchvision.{torchvisionName}.txt")
            ?? throw new InvalidOperationException($"The listing {torchvisionName}.txt is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
