using DlClassifier.Engine.Data;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace DlClassifier.Engine.Tests.Models;

/// <summary>
/// The port of ML.NET's pretrained ResNet-18: the same input through ONNX Runtime and through our network must
/// give the same features, and our normalisation must be the package's preprocessing graph.
/// </summary>
[Collection("Native")]
public sealed class CntkResNet18Tests : IDisposable
{
    private const int Size = CntkResNet18Weights.InputSize;

    private readonly TemporaryFolder folder = new("cntk-resnet");
    private readonly ITestOutputHelper output;

    public CntkResNet18Tests(ITestOutputHelper output)
    {
        this.output = output;
    }

    public void Dispose() => folder.Dispose();

    [PretrainedModelFact]
    public void Features_RealAndColourImages_MatchOnnxRuntimeWithin1e4()
    {
        using DlClassifier classifier = NetworkFactory.CreatePretrainedClassifier(new[] { "a", "b" });
        var network = (ResNet)classifier.Network;
        network.eval();
        using var session = new InferenceSession(CntkResNet18Weights.BackbonePath);

        foreach (string path in new[] { RepositoryFiles.FashionSample("Bag", "train_00023.png"), ColourImage() })
        {
            float[] input = Preprocessed(classifier, path);
            float[] reference = RunOnnx(session, input);

            float[] ours;
            using (no_grad())
            using (Tensor batch = tensor(input, new long[] { 1, 3, Size, Size }))
            using (Tensor features = network.PooledFeatures(batch))
            {
                ours = features.data<float>().ToArray();
            }

            Assert.Equal(512, reference.Length);
            Assert.Equal(512, ours.Length);
            // Real features of a real image: some channels respond strongly, so the comparison is not of zeros.
            Assert.True(reference.Max() > 0.5f, $"Largest ONNX feature {reference.Max()}");
            float largest = ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
            output.WriteLine($"{Path.GetFileName(path)}: largest |difference| {largest:E2}, largest feature " +
                             $"{reference.Max():F3}");
            Assert.True(largest <= 1e-4f, $"Largest difference {largest} for '{path}'");
        }
    }

    [PretrainedModelFact]
    public void Normalize_ColourImage_EqualsThePackagePreprocessingGraph()
    {
        using DlClassifier classifier = NetworkFactory.CreatePretrainedClassifier(new[] { "a", "b" });
        string path = ColourImage();
        float[] pixels = ImageReader.ReadPlanar(path, Size, Size, 3);
        using var session = new InferenceSession(CntkResNet18Weights.PreprocessingPath);

        // The preprocessing graph takes red, green and blue planes on the 0 to 255 scale.
        float[] reference = RunOnnx(session, pixels.Select(v => v * 255f).ToArray());
        float[] ours = Preprocessed(classifier, path);

        Assert.Equal(reference.Length, ours.Length);
        float largest = ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest <= 1e-4f, $"Largest difference {largest}");
        // Hand check of one pixel: the top-left one is pure red (255, 0, 0), which lands in the third plane.
        float[] mean = CntkResNet18Weights.MeanImage();
        Assert.Equal(0f - mean[0], ours[0], 3);
        Assert.Equal(255f - mean[2 * Size * Size], ours[2 * Size * Size], 3);
    }

    [PretrainedModelFact]
    public void Normalize_GreyImage_RepeatsItIntoThreeEqualChannels()
    {
        using DlClassifier classifier = NetworkFactory.CreatePretrainedClassifier(new[] { "a", "b" });
        string path = TestImages.WriteFlatGreyPng(folder.Combine("grey.png"), 10, 10, 200);

        float[] ours = Preprocessed(classifier, path);
        float[] mean = CntkResNet18Weights.MeanImage();

        Assert.Equal(3 * Size * Size, ours.Length);
        for (int c = 0; c < 3; c++)
        {
            int at = c * Size * Size + 5 * Size + 7;
            Assert.Equal(200f - mean[at], ours[at], 3);
        }
    }

    [PretrainedModelFact]
    public void MeanImage_FromThePackage_HasImageNetChannelMeans()
    {
        float[] mean = CntkResNet18Weights.MeanImage();

        Assert.Equal(3 * Size * Size, mean.Length);
        double[] channelMeans = Enumerable.Range(0, 3)
            .Select(c => mean.Skip(c * Size * Size).Take(Size * Size).Average(v => (double)v)).ToArray();
        // Blue, green, red: the ImageNet means are near 104, 117 and 124 on the 0 to 255 scale.
        Assert.InRange(channelMeans[0], 100, 107);
        Assert.InRange(channelMeans[1], 113, 120);
        Assert.InRange(channelMeans[2], 120, 127);
    }

    [Fact]
    public void ReadBackbone_MissingFile_ThrowsFileNotFoundNamingThePackage()
    {
        string path = folder.Combine("absent", "ResNet18.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => CntkResNet18Weights.ReadBackbone(path));

        Assert.Equal(path, error.FileName);
        Assert.Contains(CntkResNet18Weights.PackageId, error.Message);
    }

    [PretrainedModelFact]
    public void ReadBackbone_PreprocessingGraph_ThrowsNotTheExpectedModel()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => CntkResNet18Weights.ReadBackbone(CntkResNet18Weights.PreprocessingPath));

        Assert.Contains("is not the pretrained ResNet-18", error.Message);
    }

    [Fact]
    public void ReadBackbone_TextFile_ThrowsInvalidData()
    {
        string path = folder.Combine("ResNet18.onnx");
        File.WriteAllText(path, "this is not an ONNX model");

        var error = Assert.Throws<InvalidDataException>(() => CntkResNet18Weights.ReadBackbone(path));

        Assert.Contains(path, error.Message);
    }

    [PretrainedModelFact]
    public void ReadBackbone_PackageFile_MapsEveryTensorOntoTheBackbone()
    {
        IReadOnlyDictionary<string, CntkResNet18Weights.WeightTensor> weights =
            CntkResNet18Weights.ReadBackbone(CntkResNet18Weights.BackbonePath);
        using ResNet network = ResNet.CntkResNet18(2);
        string[] backboneKeys = network.state_dict().Keys
            .Where(k => !k.StartsWith("fc.", StringComparison.Ordinal) && !k.EndsWith("num_batches_tracked"))
            .ToArray();

        // 22 convolutions (the stem, two in each of nine blocks, three projections), each with a batch norm of
        // four tensors: 22 + 88.
        Assert.Equal(110, weights.Count);
        Assert.Equal(backboneKeys.OrderBy(k => k), weights.Keys.OrderBy(k => k));
        Assert.Equal(new long[] { 512, 512, 3, 3 }, weights["layer4.2.conv2.weight"].Shape);
        Assert.Equal(new long[] { 128, 64, 1, 1 }, weights["layer2.0.downsample.0.weight"].Shape);
    }

    [Fact]
    public void CreateClassifier_CntkResNet18WithGreyInput_ThrowsNamingTheChannels()
    {
        var error = Assert.Throws<ArgumentException>(() => NetworkFactory.CreateClassifier(
            NetworkArchitecture.CntkResNet18, new[] { "a", "b" }, 64, 64, 1));

        Assert.Equal("channels", error.ParamName);
        Assert.Contains("colour", error.Message);
    }

    [Theory]
    [InlineData(28, 64, "width")]
    [InlineData(64, 31, "height")]
    public void CreateClassifier_CntkResNet18BelowTheMinimum_ThrowsNamingTheSide(int width, int height,
        string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NetworkFactory.CreateClassifier(
            NetworkArchitecture.CntkResNet18, new[] { "a", "b" }, width, height, 3));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains("at least 32×32", error.Message);
    }

    [Theory]
    [InlineData(31, 224, "width")]
    [InlineData(224, 8, "height")]
    public void MeanImage_SideBelowTheMinimum_ThrowsNamingTheSide(int width, int height, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CntkResNet18Weights.MeanImage(width, height));

        Assert.Equal(parameter, error.ParamName);
        Assert.Equal(32, CntkResNet18Weights.MinimumSize);
    }

    [PretrainedModelFact]
    public void MeanImage_At224_IsThePackageImageUnchanged()
    {
        Assert.Equal(CntkResNet18Weights.MeanImage(), CntkResNet18Weights.MeanImage(Size, Size));
    }

    [PretrainedModelFact]
    public void MeanImage_Halved_AveragesEachTwoByTwoBlockOfThePackageImage()
    {
        float[] full = CntkResNet18Weights.MeanImage();
        const int half = Size / 2;

        float[] resized = CntkResNet18Weights.MeanImage(half, half);

        Assert.Equal(3 * half * half, resized.Length);
        foreach ((int c, int y, int x) in new[] { (0, 0, 0), (1, 17, 90), (2, 111, 111) })
        {
            float expected = (Full(full, c, 2 * y, 2 * x) + Full(full, c, 2 * y, 2 * x + 1)
                + Full(full, c, 2 * y + 1, 2 * x) + Full(full, c, 2 * y + 1, 2 * x + 1)) / 4;
            Assert.Equal(expected, resized[(c * half + y) * half + x], 3);
        }
    }

    [PretrainedModelFact]
    public void MeanImage_96By64_InterpolatesBetweenThePackagePixelsAtTheScaledCentre()
    {
        float[] full = CntkResNet18Weights.MeanImage();

        float[] resized = CntkResNet18Weights.MeanImage(96, 64);

        // Green plane, row 1, column 2. Rows scale by 224 / 64 = 3.5: (1 + 0.5) × 3.5 − 0.5 = 4.75, between rows 4
        // and 5. Columns scale by 224 / 96: (2 + 0.5) × 7 / 3 − 0.5 = 5 1/3, between columns 5 and 6.
        float upper = Full(full, 1, 4, 5) + (Full(full, 1, 4, 6) - Full(full, 1, 4, 5)) / 3;
        float lower = Full(full, 1, 5, 5) + (Full(full, 1, 5, 6) - Full(full, 1, 5, 5)) / 3;
        Assert.Equal(3 * 96 * 64, resized.Length);
        Assert.Equal(upper + (lower - upper) * 0.75f, resized[(1 * 64 + 1) * 96 + 2], 3);
        // The last pixel sits at (63.5 × 3.5 − 0.5, 95.5 × 7 / 3 − 0.5) = (221.75, 222.33), not at the corner.
        float bottom = Full(full, 2, 222, 222) + (Full(full, 2, 222, 223) - Full(full, 2, 222, 222)) / 3;
        float top = Full(full, 2, 221, 222) + (Full(full, 2, 221, 223) - Full(full, 2, 221, 222)) / 3;
        Assert.Equal(top + (bottom - top) * 0.75f, resized[^1], 3);
    }

    [PretrainedModelFact]
    public void CreatePretrainedClassifier_96By64_TakesThatInputWithTheResizedMeanImage()
    {
        using DlClassifier full = NetworkFactory.CreatePretrainedClassifier(new[] { "a", "b", "c" });
        using DlClassifier small = NetworkFactory.CreatePretrainedClassifier(new[] { "a", "b", "c" }, null, 96, 64);

        Assert.Equal((96, 64, 3), (small.ImageWidth, small.ImageHeight, small.ImageChannels));
        Assert.Equal((InputNormalization.BgrMeanImage, CntkResNet18Weights.Source),
            (small.Normalization, small.PretrainedWeights));
        Assert.Equal(CntkResNet18Weights.MeanImage(96, 64), small.MeanImage);
        Assert.Equal(full.ParameterCount, small.ParameterCount);
        Assert.Equal(full.GetWeightsHash(), small.GetWeightsHash());
        small.Network.eval();
        using (no_grad())
        using (Tensor input = zeros(2, 3, 64, 96))
        using (Tensor logits = small.Network.forward(input))
        {
            Assert.Equal(new long[] { 2, 3 }, logits.shape);
        }
    }

    [Fact]
    public void CreatePretrainedClassifier_SideBelowTheMinimum_ThrowsBeforeReadingTheModel()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            NetworkFactory.CreatePretrainedClassifier(new[] { "a", "b" }, null, 224, 16));

        Assert.Equal("height", error.ParamName);
        Assert.Contains("height 16 is too small", error.Message);
    }

    private static float Full(float[] meanImage, int channel, int row, int column) =>
        meanImage[(channel * Size + row) * Size + column];

    /// <summary>The network input the classifier makes of an image file, through the shared path.</summary>
    private static float[] Preprocessed(DlClassifier classifier, string path)
    {
        float[] pixels = ImageReader.ReadPlanar(path, classifier.ImageWidth, classifier.ImageHeight,
            classifier.ImageChannels);
        using Tensor input = Predictor.Normalize(classifier, pixels, 1, CPU);
        return input.data<float>().ToArray();
    }

    private static float[] RunOnnx(InferenceSession session, float[] input)
    {
        var tensor = new DenseTensor<float>(input, new[] { 1, 3, Size, Size });
        string name = session.InputMetadata.Keys.Single();
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
            session.Run(new[] { NamedOnnxValue.CreateFromTensor(name, tensor) });
        return results.Single().AsEnumerable<float>().ToArray();
    }

    /// <summary>
    /// A colour image at the input size (so that no resizing blurs it) with a pure red top-left pixel and
    /// gradients in every channel.
    /// </summary>
    private string ColourImage()
    {
        const int width = Size, height = Size;
        var pixels = new Rgb24[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                pixels[y * width + x] = new Rgb24((byte)(255 - x), (byte)y, (byte)(x * y % 256));
            }
        }
        pixels[0] = new Rgb24(255, 0, 0);
        return TestImages.WriteRgbPng(folder.Combine("colour.png"), width, height, pixels);
    }
}
