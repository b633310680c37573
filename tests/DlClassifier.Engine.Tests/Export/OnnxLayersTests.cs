using DlClassifier.Engine.Export.Onnx;
using DlClassifier.Engine.Models.Layers;
using DlClassifier.Engine.Tests.Support;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Engine.Tests.Export;

/// <summary>Each layer writer against the TorchSharp layer it stands for, run in ONNX Runtime on tiny inputs.
/// </summary>
[Collection("Native")]
public sealed class OnnxLayersTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void Conv_WithoutBiasStrideAndPadding_MatchesTorch()
    {
        using Conv2d convolution = Conv2d(2, 3, kernel_size: 3, stride: 2, padding: 1, bias: false);

        (float[] expected, float[] actual, OnnxFeatureMap output) =
            Compare(convolution, 2, 5, 7, (builder, input) => OnnxLayers.Conv(builder, input, convolution, "conv"));

        Assert.Equal((3L, 3L, 4L), (output.Channels, output.Height, output.Width));
        AssertClose(expected, actual);
    }

    [Fact]
    public void Conv_WithBiasGroupsAndDilation_MatchesTorch()
    {
        using Conv2d convolution = Conv2d(4, 4, kernel_size: 3, padding: 2, dilation: 2, groups: 4, bias: true);

        (float[] expected, float[] actual, OnnxFeatureMap output) =
            Compare(convolution, 4, 6, 6, (builder, input) => OnnxLayers.Conv(builder, input, convolution, "conv"));

        Assert.Equal((4L, 6L, 6L), (output.Channels, output.Height, output.Width));
        AssertClose(expected, actual);
    }

    [Fact]
    public void BatchNorm_RunningStatistics_MatchesTorchInEvaluation()
    {
        using BatchNorm2d norm = BatchNorm2d(3, eps: 1e-3);
        using (no_grad())
        {
            norm.running_mean!.copy_(tensor(new[] { 0.5f, -1f, 2f }));
            norm.running_var!.copy_(tensor(new[] { 0.25f, 4f, 1.5f }));
            norm.weight!.copy_(tensor(new[] { 2f, -0.5f, 1f }));
            norm.bias!.copy_(tensor(new[] { 0.1f, 0.2f, -0.3f }));
        }

        (float[] expected, float[] actual, _) =
            Compare(norm, 3, 4, 4, (builder, input) => OnnxLayers.BatchNorm(builder, input, norm, "bn"));

        AssertClose(expected, actual);
    }

    [Fact]
    public void Relu_MatchesTorch()
    {
        using ReLU relu = ReLU();

        (float[] expected, float[] actual, _) =
            Compare(relu, 2, 3, 3, (builder, input) => OnnxLayers.Relu(builder, input, "relu"));

        Assert.Contains(0f, actual);
        AssertClose(expected, actual);
    }

    [Fact]
    public void Relu6_ValuesBeyondBothBounds_ClipsAsTorch()
    {
        using ReLU6 relu6 = ReLU6();

        (float[] expected, float[] actual, _) =
            Compare(relu6, 2, 4, 4, (builder, input) => OnnxLayers.Relu6(builder, input, "relu6"), scale: 8);

        Assert.Contains(6f, actual);
        Assert.Contains(0f, actual);
        AssertClose(expected, actual);
    }

    [Theory]
    // ResNet's stem pool: 3×3, stride 2, padding 1.
    [InlineData(3, 2, 1, false, 7, 9, 4, 5)]
    // The compact CNN's pool on an odd side drops the last row and column.
    [InlineData(2, 2, 0, false, 5, 5, 2, 2)]
    // Ceil mode keeps a last, partial window.
    [InlineData(2, 2, 0, true, 5, 5, 3, 3)]
    public void MaxPool_Settings_MatchTorchAndSizes(int kernel, int stride, int padding, bool ceilMode, int height,
        int width, long outputHeight, long outputWidth)
    {
        using MaxPool2d pool = MaxPool2d(kernel, stride, padding, ceil_mode: ceilMode);

        (float[] expected, float[] actual, OnnxFeatureMap output) =
            Compare(pool, 2, height, width, (builder, input) => OnnxLayers.MaxPool(builder, input, pool, "pool"));

        Assert.Equal((outputHeight, outputWidth), (output.Height, output.Width));
        AssertClose(expected, actual);
    }

    [Theory]
    [InlineData(2, 2, 0, 6, 4, 3L, 2L)]
    [InlineData(2, 2, 0, 7, 5, 3L, 2L)]
    [InlineData(3, 2, 1, 7, 9, 4L, 5L)]
    public void MaxPool_EnginesSeparablePool_IsMaxPoolWithTheSameWindows(int kernel, int stride, int padding,
        int height, int width, long outputHeight, long outputWidth)
    {
        using var pool = new SeparableMaxPool2d(kernel, stride, padding);

        (float[] expected, float[] actual, OnnxFeatureMap output) =
            Compare(pool, 2, height, width, (builder, input) => OnnxLayers.MaxPool(builder, input, pool, "pool"));

        Assert.Equal((outputHeight, outputWidth), (output.Height, output.Width));
        AssertClose(expected, actual);
    }

    [Fact]
    public void MaxPool_KernelOnly_StridesByTheKernel()
    {
        using MaxPool2d pool = MaxPool2d(kernel_size: 2);

        (float[] expected, float[] actual, OnnxFeatureMap output) =
            Compare(pool, 1, 6, 4, (builder, input) => OnnxLayers.MaxPool(builder, input, pool, "pool"));

        Assert.Equal((3L, 2L), (output.Height, output.Width));
        AssertClose(expected, actual);
    }

    [Theory]
    // Not dividing: 8 → 7 (the compact CNN at 32 and 64 pixels), and mixed sides.
    [InlineData(8, 8, 7, 7, "MatMul")]
    [InlineData(7, 10, 7, 7, "MatMul")]
    [InlineData(9, 6, 4, 4, "MatMul")]
    // Dividing: equal windows.
    [InlineData(14, 14, 7, 7, "AveragePool")]
    [InlineData(6, 4, 3, 2, "AveragePool")]
    // One cell: the global average.
    [InlineData(5, 3, 1, 1, "GlobalAveragePool")]
    public void AdaptiveAveragePool_Sizes_MatchTorch(int height, int width, int gridHeight, int gridWidth,
        string operatorType)
    {
        using AdaptiveAvgPool2d pool = AdaptiveAvgPool2d(new long[] { gridHeight, gridWidth });
        var builder = new OnnxGraphBuilder();

        (float[] expected, float[] actual, OnnxFeatureMap output) = Compare(pool, 2, height, width,
            (b, input) => OnnxLayers.AdaptiveAveragePool(b, input, gridHeight, gridWidth, "pool"), builder);

        Assert.Equal((gridHeight, gridWidth), ((int)output.Height, (int)output.Width));
        Assert.Equal(operatorType, builder.Graph.Node.Last().OpType);
        AssertClose(expected, actual);
    }

    [Fact]
    public void AdaptiveAveragePool_GridOfTheInputSize_AddsNoNode()
    {
        var builder = new OnnxGraphBuilder();
        var input = new OnnxFeatureMap("x", 4, 7, 7);

        OnnxFeatureMap output = OnnxLayers.AdaptiveAveragePool(builder, input, 7, 7, "pool");

        Assert.Equal(input, output);
        Assert.Empty(builder.Graph.Node);
    }

    [Fact]
    public void AveragingMatrix_EightToSeven_OverlapsNeighbouringWindows()
    {
        // Row i covers floor(8i/7) to ceil(8(i+1)/7) − 1: rows 0 and 6 cover two inputs each, as do the others.
        float[] matrix = OnnxLayers.AveragingMatrix(8, 7);

        Assert.Equal(new[] { 0.5f, 0.5f, 0, 0, 0, 0, 0, 0 }, matrix[..8]);
        Assert.Equal(new[] { 0, 0.5f, 0.5f, 0, 0, 0, 0, 0 }, matrix[8..16]);
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 0, 0.5f, 0.5f }, matrix[48..56]);
    }

    [Fact]
    public void AveragingMatrix_SevenToThree_HasUnequalWindows()
    {
        // Windows 0–2, 2–4 and 4–6: three inputs each, sharing inputs 2 and 4.
        float[] matrix = OnnxLayers.AveragingMatrix(7, 3);

        float third = 1f / 3;
        Assert.Equal(new[] { third, third, third, 0, 0, 0, 0 }, matrix[..7]);
        Assert.Equal(new[] { 0, 0, third, third, third, 0, 0 }, matrix[7..14]);
        Assert.Equal(new[] { 0, 0, 0, 0, third, third, third }, matrix[14..21]);
    }

    [Theory]
    [InlineData(32, 7, 2, 3, 1, false, 16)]
    [InlineData(16, 3, 2, 1, 1, false, 8)]
    [InlineData(5, 2, 2, 0, 1, false, 2)]
    [InlineData(5, 2, 2, 0, 1, true, 3)]
    [InlineData(6, 3, 1, 2, 2, false, 6)]
    public void OutputSize_PyTorchFormula_GivesHandComputedSide(long input, long kernel, long stride, long padding,
        long dilation, bool ceilMode, long expected)
    {
        Assert.Equal(expected, OnnxLayers.OutputSize(input, kernel, stride, padding, dilation, ceilMode));
    }

    [Fact]
    public void Add_TwoBranches_SumsElementwise()
    {
        var builder = new OnnxGraphBuilder();
        var input = new OnnxFeatureMap("x", 1, 2, 2);
        OnnxFeatureMap doubled = OnnxLayers.Add(builder, input, input, "add");

        float[] actual = OnnxRunner.RunGraph(builder, input, doubled.Name, new[] { 1f, -2f, 3.5f, 0f }, 1);

        Assert.Equal(new[] { 2f, -4f, 7f, 0f }, actual);
    }

    [Fact]
    public void Add_DifferentShapes_ThrowsNamingBoth()
    {
        var builder = new OnnxGraphBuilder();

        var error = Assert.Throws<ArgumentException>(() => OnnxLayers.Add(builder,
            new OnnxFeatureMap("a", 64, 8, 8), new OnnxFeatureMap("b", 128, 4, 4), "block.add"));

        Assert.Contains("64×8×8", error.Message);
        Assert.Contains("128×4×4", error.Message);
    }

    [Fact]
    public void FlattenAndGemm_LinearHead_MatchTorch()
    {
        using Linear linear = Linear(3 * 2 * 2, 5);
        var builder = new OnnxGraphBuilder();
        var input = new OnnxFeatureMap("x", 3, 2, 2);
        string logits = OnnxLayers.Gemm(builder, OnnxLayers.Flatten(builder, input, "flatten"), linear, "fc");
        float[] values = RandomValues(2 * 12, seed: 5);

        float[] actual = OnnxRunner.RunGraph(builder, input, logits, values, 2);

        using var noGrad = no_grad();
        using Tensor expected = linear.forward(tensor(values, new long[] { 2, 12 }));
        AssertClose(expected.data<float>().ToArray(), actual);
    }

    [Fact]
    public void Normalize_MeanAndStd_GiveHandComputedValues()
    {
        var builder = new OnnxGraphBuilder();
        var input = new OnnxFeatureMap("x", 2, 1, 2);
        OnnxFeatureMap output = OnnxLayers.Normalize(builder, input, new[] { 0.5f, 0.25f }, new[] { 0.25f, 2f }, "n");

        float[] actual = OnnxRunner.RunGraph(builder, input, output.Name, new[] { 0f, 1f, 0.25f, 0.75f }, 1);

        // Channel 0: (0 − 0.5)/0.25, (1 − 0.5)/0.25; channel 1: (0.25 − 0.25)/2, (0.75 − 0.25)/2.
        Assert.Equal(new[] { -2f, 2f, 0f, 0.25f }, actual);
    }

    [Fact]
    public void BgrMeanImage_RgbPixels_ReversesScalesAndSubtractsPerPixel()
    {
        var builder = new OnnxGraphBuilder();
        var input = new OnnxFeatureMap("x", 3, 1, 2);
        // Mean image in BGR order: blue plane 10, 20; green plane 30, 40; red plane 50, 60.
        float[] meanImage = { 10, 20, 30, 40, 50, 60 };
        OnnxFeatureMap output = OnnxLayers.BgrMeanImage(builder, input, meanImage, "prepare");

        // RGB input: red 1, 0; green 0.5, 0.25; blue 0, 0.2.
        float[] actual = OnnxRunner.RunGraph(builder, input, output.Name, new[] { 1f, 0f, 0.5f, 0.25f, 0f, 0.2f }, 1);

        // Blue 0·255 − 10, 0.2·255 − 20; green 127.5 − 30, 63.75 − 40; red 255 − 50, 0 − 60.
        Assert.Equal(new[] { -10f, 31f, 97.5f, 23.75f, 205f, -60f }, actual, new FloatComparer(1e-4f));
    }

    [Fact]
    public void BgrMeanImage_WrongSize_ThrowsNamingBothSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxLayers.BgrMeanImage(new OnnxGraphBuilder(),
            new OnnxFeatureMap("x", 3, 4, 4), new float[3 * 4 * 5], "prepare"));

        Assert.Contains("60", error.Message);
        Assert.Contains("3×4×4 (48)", error.Message);
    }

    [Fact]
    public void Softmax_Temperature_DividesLogitsFirst()
    {
        var builder = new OnnxGraphBuilder();
        var input = new OnnxFeatureMap("x", 3, 1, 1);
        string flat = OnnxLayers.Flatten(builder, input, "flatten");
        string probabilities = OnnxLayers.Softmax(builder, flat, 2, "softmax");

        float[] actual = OnnxRunner.RunGraph(builder, input, probabilities, new[] { 0f, 2f, 4f }, 1);

        // softmax([0, 1, 2]) = e^k / (1 + e + e²).
        double sum = 1 + Math.E + Math.E * Math.E;
        Assert.Equal(new[] { 1 / sum, Math.E / sum, Math.E * Math.E / sum }, actual.Select(p => (double)p),
            new ToleranceComparer(1e-6));
    }

    /// <summary>Runs a layer in TorchSharp and its writer's graph in ONNX Runtime on the same random batch of 2.
    /// </summary>
    private static (float[] Expected, float[] Actual, OnnxFeatureMap Output) Compare(Module<Tensor, Tensor> layer,
        int channels, int height, int width, Func<OnnxGraphBuilder, OnnxFeatureMap, OnnxFeatureMap> write,
        OnnxGraphBuilder? builder = null, float scale = 1)
    {
        builder ??= new OnnxGraphBuilder();
        var input = new OnnxFeatureMap("x", channels, height, width);
        OnnxFeatureMap output = write(builder, input);
        float[] values = RandomValues(2 * channels * height * width, seed: 11).Select(v => v * scale).ToArray();

        float[] actual = OnnxRunner.RunGraph(builder, input, output.Name, values, 2);

        layer.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor result = layer.forward(tensor(values, new long[] { 2, channels, height, width }));
        Assert.Equal(new[] { 2, output.Channels, output.Height, output.Width }, result.shape);
        return (result.data<float>().ToArray(), actual, output);
    }

    private static float[] RandomValues(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= Tolerance, $"The largest difference is {worst}, above {Tolerance}.");
    }

    private sealed class FloatComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float value) => 0;
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
