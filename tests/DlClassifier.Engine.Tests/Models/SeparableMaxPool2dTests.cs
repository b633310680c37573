using DlClassifier.Engine.Models.Layers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Engine.Tests.Models;

[Collection("Native")]
public sealed class SeparableMaxPool2dTests
{
    [Theory]
    // The compact CNN's pooling, on even and odd sides.
    [InlineData(2, 2, 0, 28, 28)]
    [InlineData(2, 2, 0, 7, 5)]
    [InlineData(2, 2, 0, 2, 3)]
    // ResNet's stem pooling.
    [InlineData(3, 2, 1, 112, 112)]
    [InlineData(3, 2, 1, 9, 6)]
    // Overlapping windows without padding, and windows apart.
    [InlineData(3, 1, 0, 6, 7)]
    [InlineData(2, 3, 1, 8, 7)]
    public void Forward_RandomInput_EqualsMaxPool2dBitForBit(int kernel, int stride, int padding, int height,
        int width)
    {
        torch.manual_seed(3);
        using Tensor input = randn(3, 4, height, width);
        using var ours = new SeparableMaxPool2d(kernel, stride, padding);
        using var theirs = MaxPool2d(kernel, stride, padding);

        using Tensor expected = theirs.forward(input);
        using Tensor actual = ours.forward(input);

        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void Forward_HandWrittenWindows_TakesEachWindowsLargest()
    {
        using Tensor input = tensor(new float[]
        {
            1, 9, 2, 0, 7,
            3, 4, 8, 6, 7,
            -1, -5, 0, 0, 7,
        }, new long[] { 1, 1, 3, 5 });
        using var twoByTwo = new SeparableMaxPool2d(kernelSize: 2, stride: 2);
        using var threeByThree = new SeparableMaxPool2d(kernelSize: 3, stride: 2, padding: 1);

        using Tensor halved = twoByTwo.forward(input);
        using Tensor padded = threeByThree.forward(input);

        Assert.Equal(new long[] { 1, 1, 1, 2 }, halved.shape);
        Assert.Equal(new[] { 9f, 8f }, halved.data<float>().ToArray());
        Assert.Equal(new long[] { 1, 1, 2, 3 }, padded.shape);
        Assert.Equal(new[] { 9f, 9f, 7f, 4f, 8f, 7f }, padded.data<float>().ToArray());
    }

    [Fact]
    public void Forward_AllNegativeBorder_NeverReturnsThePadding()
    {
        using Tensor input = full(1, 2, 4, 4, -3f);
        using var pool = new SeparableMaxPool2d(kernelSize: 3, stride: 2, padding: 1);

        using Tensor output = pool.forward(input);

        Assert.All(output.data<float>().ToArray(), value => Assert.Equal(-3f, value));
    }

    [Fact]
    public void Backward_TiedWindows_RoutesTheGradientAsMaxPool2dDoes()
    {
        torch.manual_seed(5);
        using Tensor values = randn(2, 3, 6, 7).relu_();
        using Tensor weights = randn(2, 3, 3, 3);

        using Tensor expected = Gradient(MaxPool2d(kernel_size: 2), values, weights);
        using Tensor actual = Gradient(new SeparableMaxPool2d(kernelSize: 2, stride: 2), values, weights);

        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void Forward_ThreeDimensions_ThrowsNamingTheShape()
    {
        using var pool = new SeparableMaxPool2d(kernelSize: 2, stride: 2);
        using Tensor input = zeros(4, 6, 6);

        var error = Assert.Throws<ArgumentException>(() => pool.forward(input));

        Assert.Contains("not 3 dimensions", error.Message);
    }

    [Fact]
    public void Forward_InputSmallerThanTheWindow_ThrowsNamingBoth()
    {
        using var pool = new SeparableMaxPool2d(kernelSize: 3, stride: 2);
        using Tensor input = zeros(1, 1, 2, 5);

        var error = Assert.Throws<ArgumentException>(() => pool.forward(input));

        Assert.Contains("2×5 is smaller than the 3×3 window", error.Message);
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(2, 0, 0)]
    [InlineData(2, 2, 2)]
    public void Constructor_ImpossibleSettings_ThrowsNamingThem(int kernel, int stride, int padding)
    {
        var error = Assert.Throws<ArgumentException>(() => new SeparableMaxPool2d(kernel, stride, padding));

        Assert.Contains($"kernel {kernel}, stride {stride}, padding {padding}", error.Message);
    }

    private static Tensor Gradient(Module<Tensor, Tensor> pool, Tensor values, Tensor weights)
    {
        using (pool)
        {
            using Tensor input = values.clone().requires_grad_();
            using Tensor output = pool.forward(input);
            using Tensor loss = (output * weights).sum();
            loss.backward();
            return input.grad!.clone();
        }
    }
}
