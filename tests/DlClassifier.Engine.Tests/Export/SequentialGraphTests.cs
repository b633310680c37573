using DlClassifier.Engine.Export.Onnx;
using DlClassifier.Engine.Tests.Support;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Engine.Tests.Export;

[Collection("Native")]
public sealed class SequentialGraphTests
{
    [Fact]
    public void Write_NestedChain_MatchesTorchInEvaluation()
    {
        // torchvision's convolution, norm and ReLU6 triple inside an outer chain with dropout and pooling.
        using Sequential chain = Sequential(
            ("0", Sequential(("0", Conv2d(2, 4, kernel_size: 3, padding: 1, bias: false)), ("1", BatchNorm2d(4)),
                ("2", ReLU6()))),
            ("1", Dropout(0.5)),
            ("2", MaxPool2d(kernel_size: 2)),
            ("3", Conv2d(4, 3, kernel_size: 1)),
            ("4", ReLU()));
        using (no_grad())
        {
            var norm = (BatchNorm2d)chain.named_modules().Single(m => m.name == "0.1").module;
            norm.running_mean!.copy_(tensor(new[] { 0.1f, -0.2f, 0.3f, 0f }));
            norm.running_var!.copy_(tensor(new[] { 0.5f, 2f, 1f, 0.1f }));
        }
        chain.eval();
        var builder = new OnnxGraphBuilder();
        var input = new OnnxFeatureMap("x", 2, 6, 6);
        var random = new Random(3);
        float[] values = Enumerable.Range(0, 2 * 2 * 6 * 6).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();

        OnnxFeatureMap output = SequentialGraph.Write(builder, input, chain, "chain");
        float[] actual = OnnxRunner.RunGraph(builder, input, output.Name, values, 2);

        using var noGrad = no_grad();
        using Tensor expected = chain.forward(tensor(values, new long[] { 2, 2, 6, 6 }));
        Assert.Equal((3L, 3L, 3L), (output.Channels, output.Height, output.Width));
        Assert.Equal("chain.0.0", builder.Graph.Node[0].Name);
        Assert.All(expected.data<float>().ToArray().Zip(actual), pair => Assert.Equal(pair.First, pair.Second, 1e-5f));
    }

    [Fact]
    public void Write_UnknownLayer_ThrowsNamingItsPath()
    {
        using Sequential chain = Sequential(("0", ReLU()), ("1", Sigmoid()));

        var error = Assert.Throws<InvalidOperationException>(() =>
            SequentialGraph.Write(new OnnxGraphBuilder(), new OnnxFeatureMap("x", 1, 2, 2), chain, "head"));

        Assert.Contains("'head.1'", error.Message);
        Assert.Contains("Sigmoid", error.Message);
    }
}
