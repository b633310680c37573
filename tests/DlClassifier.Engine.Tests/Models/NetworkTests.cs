using DlClassifier.Engine.Models;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Models;

[Collection("Native")]
public sealed class NetworkTests
{
    [Theory]
    [InlineData(1, 28, 28)]
    [InlineData(3, 28, 28)]
    [InlineData(1, 8, 8)]
    [InlineData(3, 40, 24)]
    public void CompactCnn_Forward_GivesOneScorePerClass(int channels, int width, int height)
    {
        using var network = new CompactCnn(channels, width, height, classCount: 5);
        network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        Tensor output = network.forward(zeros(2, channels, height, width));

        Assert.Equal(new long[] { 2, 5 }, output.shape);
    }

    [Theory]
    // 28: two pooling stages (28 → 14 → 7), channels 32 → 64 → 128.
    [InlineData(28, 128, 7, 7)]
    // 16: one pooling stage (16 → 8), channels 32 → 64, grid min(7, 8).
    [InlineData(16, 64, 8, 7)]
    // 224: five pooling stages down to 7, channels capped at 256.
    [InlineData(224, 256, 7, 7)]
    // 8: one stage down to 4.
    [InlineData(8, 64, 4, 4)]
    public void CompactCnn_InputSide_SetsStagesAndGrid(int side, int featureChannels, int featureSide, int grid)
    {
        using var network = new CompactCnn(1, side, side, classCount: 3);
        network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        Tensor features = network.Features(zeros(1, 1, side, side));

        Assert.Equal(new long[] { 1, featureChannels, featureSide, featureSide }, features.shape);
        Assert.Equal(featureChannels, network.FeatureChannels);
        Assert.Equal(grid, network.GridSize);
    }

    [Theory]
    [InlineData(7, 28)]
    [InlineData(28, 7)]
    [InlineData(1, 1)]
    public void CompactCnn_TooSmallInput_ThrowsArgumentException(int width, int height)
    {
        var error = Assert.Throws<ArgumentException>(() => new CompactCnn(1, width, height, 2));

        Assert.Contains($"{width}×{height}", error.Message);
    }

    [Theory]
    [InlineData(1, 32)]
    [InlineData(3, 32)]
    [InlineData(1, 64)]
    [InlineData(3, 64)]
    public void ResNet18_Forward_GivesOneScorePerClass(int channels, int side)
    {
        using ResNet network = ResNet.ResNet18(channels, side, side, classCount: 4);
        network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        Tensor output = network.forward(zeros(1, channels, side, side));
        Tensor features = network.Features(zeros(1, channels, side, side));

        Assert.Equal(new long[] { 1, 4 }, output.shape);
        Assert.Equal(new long[] { 1, 512, side / 32, side / 32 }, features.shape);
    }

    [Theory]
    [InlineData(31, 32)]
    [InlineData(32, 31)]
    [InlineData(16, 16)]
    public void ResNet18_TooSmallInput_ThrowsArgumentException(int width, int height)
    {
        var error = Assert.Throws<ArgumentException>(() => ResNet.ResNet18(3, width, height, 2));

        Assert.Contains($"{width}×{height}", error.Message);
    }

    [Fact]
    public void ResNet18_StateDict_FollowsTorchvisionNaming()
    {
        using ResNet network = ResNet.ResNet18(3, 32, 32, classCount: 10);

        string[] keys = network.state_dict().Keys.ToArray();

        foreach (string key in new[]
        {
            "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
            "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.1.conv2.weight", "layer1.1.bn2.running_var",
            "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_mean", "layer3.0.downsample.0.weight",
            "layer4.1.conv2.weight", "fc.weight", "fc.bias",
        })
        {
            Assert.Contains(key, keys);
        }
        Assert.DoesNotContain("layer1.0.downsample.0.weight", keys);
        Assert.DoesNotContain("layer2.1.downsample.0.weight", keys);
        // torchvision's resnet18().state_dict() has 122 entries: 62 parameters and 3 buffers in each of 20 batch norms.
        Assert.Equal(122, keys.Length);
        Assert.Equal(new long[] { 10, 512 }, network.state_dict()["fc.weight"].shape);
    }

    [Fact]
    public void ResNet18_ParameterCount_MatchesTorchvision()
    {
        // torchvision's resnet18(num_classes=1000) has 11,689,512 parameters.
        using ResNet network = ResNet.ResNet18(3, 224, 224, classCount: 1000);

        Assert.Equal(11_689_512L, network.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Create_SameSeed_GivesIdenticalWeights()
    {
        using var first = NetworkFactory.Create(NetworkArchitecture.CompactCnn, 1, 16, 16, 2, seed: 7);
        using var second = NetworkFactory.Create(NetworkArchitecture.CompactCnn, 1, 16, 16, 2, seed: 7);
        using var other = NetworkFactory.Create(NetworkArchitecture.CompactCnn, 1, 16, 16, 2, seed: 8);

        Dictionary<string, Tensor> a = first.state_dict(), b = second.state_dict(), c = other.state_dict();

        Assert.All(a.Keys, key => Assert.True(a[key].eq(b[key]).all().item<bool>(), key));
        Assert.False(a["features.conv0.weight"].eq(c["features.conv0.weight"]).all().item<bool>());
    }

    [Theory]
    [InlineData("only")]
    [InlineData("a,b,a")]
    public void CreateClassifier_BadClassList_ThrowsArgumentException(string classList)
    {
        string[] classNames = classList.Split(',');

        var error = Assert.Throws<ArgumentException>(
            () => NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn, classNames, 16, 16, 1));

        Assert.Equal("classNames", error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void CreateClassifier_ChannelsOtherThanOneOrThree_ThrowsOutOfRange(int channels)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn, new[] { "a", "b" }, 16, 16,
                channels));

        Assert.Equal("channels", error.ParamName);
    }
}
