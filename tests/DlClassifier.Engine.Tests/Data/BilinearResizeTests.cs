using DlClassifier.Engine.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Data;

[Collection("Native")]
public sealed class BilinearResizeTests
{
    [Fact]
    public void Plane_TwoByTwoToFourByFour_InterpolatesBetweenCentresAndHoldsTheEdges()
    {
        // Target columns 0..3 sit at source positions -0.25 (held at 0), 0.25, 0.75 and 1.25 (held at 1).
        float[] source = { 0, 4, 8, 12 };

        float[] resized = BilinearResize.Plane(source, 2, 2, 4, 4);

        Assert.Equal(new float[]
        {
            0, 1, 3, 4,
            2, 3, 5, 6,
            6, 7, 9, 10,
            8, 9, 11, 12,
        }, resized);
    }

    [Fact]
    public void Plane_HalvedExactly_AveragesEachTwoByTwoBlock()
    {
        // Target pixel i sits at source position 2i + 0.5, halfway between two source pixels on each axis.
        float[] source =
        {
            1, 3, 10, 20,
            5, 7, 30, 40,
            0, 0, 2, 2,
            0, 8, 2, 6,
        };

        float[] resized = BilinearResize.Plane(source, 4, 4, 2, 2);

        Assert.Equal(new float[] { 4, 25, 2, 3 }, resized);
    }

    [Fact]
    public void Planes_ThreePlanes_ResizesEachOnItsOwn()
    {
        float[] source = { 0, 2, 10, 30, 100, 100 };

        float[] resized = BilinearResize.Planes(source, 3, 2, 1, 3, 1);

        // Target column 1 sits at source position 0.5; columns 0 and 2 at -0.17 and 1.17, held at the edges.
        Assert.Equal(new float[] { 0, 1, 2, 10, 20, 30, 100, 100, 100 }, resized);
    }

    [Fact]
    public void Planes_WrongLength_ThrowsNamingTheSource()
    {
        var error = Assert.Throws<ArgumentException>(() => BilinearResize.Planes(new float[11], 3, 2, 2, 4, 4));

        Assert.Equal("source", error.ParamName);
        Assert.Contains("12 values, not 11", error.Message);
    }

    [Theory]
    [InlineData(7, 5, 4, 9)]
    [InlineData(224, 224, 96, 64)]
    [InlineData(10, 6, 25, 13)]
    public void Planes_RandomImage_EqualsTorchBilinearWithoutAlignedCorners(int sourceWidth, int sourceHeight,
        int targetWidth, int targetHeight)
    {
        var random = new Random(sourceWidth * 100 + targetWidth);
        float[] source = Enumerable.Range(0, 3 * sourceWidth * sourceHeight)
            .Select(_ => (float)(random.NextDouble() * 255)).ToArray();

        float[] ours = BilinearResize.Planes(source, 3, sourceWidth, sourceHeight, targetWidth, targetHeight);

        using Tensor input = tensor(source, new long[] { 1, 3, sourceHeight, sourceWidth });
        using Tensor resized = nn.functional.interpolate(input, new long[] { targetHeight, targetWidth },
            mode: InterpolationMode.Bilinear, align_corners: false);
        float[] reference = resized.data<float>().ToArray();
        Assert.Equal(reference.Length, ours.Length);
        // PyTorch computes each source position in float32, this code in float64. Between neighbours that differ
        // by up to 255, a position off by 1e-5 of a pixel moves the value by a few 1e-3.
        float largest = ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest <= 5e-3f, $"Largest difference {largest} on the 0 to 255 scale");
    }
}
