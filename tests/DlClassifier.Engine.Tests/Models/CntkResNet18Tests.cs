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
    public void CreateClassifier_CntkResNet18AtAnotherSize_ThrowsNamingTheInputSize()
    {
        var error = Assert.Throws<ArgumentException>(() => NetworkFactory.CreateClassifier(
            NetworkArchitecture.CntkResNet18, new[] { "a", "b" }, 28, 28, 1));

        Assert.Contains("224×224", error.Message);
    }

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
