using DlClassifier.Engine.Models.Layers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Engine.Tests.Models;

[Collection("Native")]
public sealed class MaxPool2x2Tests
{
    [Theory]
    [InlineData(28, 28)]
    [InlineData(7, 5)]
    [InlineData(2, 3)]
    public void Forward_RandomInput_EqualsMaxPool2dBitForBit(int height, int width)
    {
        torch.manual_seed(3);
        using Tensor input = randn(3, 4, height, width);
        using var ours = new MaxPool2x2();
        using var theirs = MaxPool2d(kernel_size: 2);

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
        using var pool = new MaxPool2x2();

        using Tensor output = pool.forward(input);

        Assert.Equal(new long[] { 1, 1, 1, 2 }, output.shape);
        Assert.Equal(new[] { 9f, 8f }, output.data<float>().ToArray());
    }

    [Fact]
    public void Backward_TiedWindows_RoutesTheGradientAsMaxPool2dDoes()
    {
        torch.manual_seed(5);
        using Tensor values = randn(2, 3, 6, 7).relu_();
        using Tensor weights = randn(2, 3, 3, 3);

        using Tensor expected = Gradient(MaxPool2d(kernel_size: 2), values, weights);
        using Tensor actual = Gradient(new MaxPool2x2(), values, weights);

        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void Forward_ThreeDimensions_ThrowsNamingTheShape()
    {
        using var pool = new MaxPool2x2();
        using Tensor input = zeros(4, 6, 6);

        var error = Assert.Throws<ArgumentException>(() => pool.forward(input));

        Assert.Contains("not 3 dimensions", error.Message);
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
