using System.Text.Json;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Export.Onnx;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Tests.Support;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Export;

/// <summary>
/// Every architecture's exported model against the classifier itself: logits and calibrated probabilities from
/// ONNX Runtime equal ours on a batch of images, for any batch size, with the metadata readable.
/// </summary>
[Collection("Native")]
public sealed class OnnxExporterTests : IDisposable
{
    private const float Tolerance = 1e-4f;
    private const int BatchSize = 5;

    private readonly TemporaryFolder folder = new("onnx-export");

    public void Dispose() => folder.Dispose();

    [Theory]
    // Two pooling stages to 7×7: the grid is the feature map itself.
    [InlineData(NetworkArchitecture.CompactCnn, 28, 28, 1)]
    // Three stages to 8×8, pooled to 7×7 by windows that do not divide.
    [InlineData(NetworkArchitecture.CompactCnn, 64, 64, 3)]
    // A wide image: 7×10 feature maps, the width pooled unevenly.
    [InlineData(NetworkArchitecture.CompactCnn, 40, 28, 3)]
    [InlineData(NetworkArchitecture.ResNet18, 32, 32, 3)]
    [InlineData(NetworkArchitecture.ResNet18, 64, 64, 1)]
    // Inverted residual blocks with depthwise convolutions and ReLU6; at 32 pixels the last stages are 1×1.
    [InlineData(NetworkArchitecture.MobileNetV2, 32, 32, 3)]
    [InlineData(NetworkArchitecture.MobileNetV2, 64, 48, 1)]
    // Three blocks in the last stage, fed BGR on the 0..255 scale minus a mean image.
    [InlineData(NetworkArchitecture.CntkResNet18, 224, 224, 3)]
    // A smaller pretrained input: 80 rows halve to an odd 5 before the last stage, so its stride-2 windows
    // reach the padding after the map; the mean image in the graph is 96×80.
    [InlineData(NetworkArchitecture.CntkResNet18, 96, 80, 3)]
    // Bottleneck blocks at the size ResNet-50 is made for (7×7 in the last stage), and a narrower grey image. On
    // inputs of 64 pixels or less its last stages shrink to 2×2 or 1×1, where batch norms fitted to a few alike
    // images magnify float32 rounding at every stage: there our own logits are 1.6e-4 to 2.4e-4 from float64
    // arithmetic, too far for any float32 runtime to match within 1e-4; at these sizes 3.2e-5.
    [InlineData(NetworkArchitecture.ResNet50, 224, 224, 3)]
    [InlineData(NetworkArchitecture.ResNet50, 224, 192, 1)]
    public void Save_Architecture_OnnxRuntimeMatchesLogitsAndProbabilities(NetworkArchitecture architecture,
        int width, int height, int channels)
    {
        using DlClassifier classifier = CreateNonTrivial(architecture, width, height, channels);
        float[][] images = RandomImages(BatchSize, channels * height * width, seed: width + channels);

        AssertParity(classifier, images);
    }

    /// <summary>
    /// Exports the classifier and runs the model in ONNX Runtime on a batch of five and a batch of two: logits and
    /// calibrated probabilities within 1e-4 of ours.
    /// </summary>
    private void AssertParity(DlClassifier classifier, float[][] images)
    {
        int[] dimensions = { images.Length, classifier.ImageChannels, classifier.ImageHeight, classifier.ImageWidth };
        string path = Path.Combine(folder.Path, "model.onnx");

        OnnxExporter.Save(classifier, path);

        float[][] logits = Predictor.Logits(classifier, images, CPU, images.Length, CancellationToken.None);
        float[][] probabilities = Predictor.Probabilities(classifier, images, CPU, images.Length,
            CancellationToken.None, temperature: classifier.Temperature);
        using var session = new InferenceSession(path);
        Dictionary<string, float[]> outputs =
            OnnxRunner.Run(session, OnnxExporter.InputName, images.SelectMany(i => i).ToArray(), dimensions);
        AssertClose(logits.SelectMany(l => l).ToArray(), outputs[OnnxExporter.LogitsName]);
        AssertClose(probabilities.SelectMany(p => p).ToArray(), outputs[OnnxExporter.ProbabilitiesName]);

        // The temperature is in the graph: the probabilities differ from the plain softmax of the logits.
        float[][] uncalibrated =
            Predictor.Probabilities(classifier, images, CPU, images.Length, CancellationToken.None);
        Assert.True(uncalibrated[0].Zip(probabilities[0], (u, c) => Math.Abs(u - c)).Max() > 1e-3);

        // The batch dimension is free: two images alone give what they gave among five.
        dimensions[0] = 2;
        Dictionary<string, float[]> pair =
            OnnxRunner.Run(session, OnnxExporter.InputName, images.Take(2).SelectMany(i => i).ToArray(), dimensions);
        int classes = classifier.ClassNames.Length;
        AssertClose(outputs[OnnxExporter.LogitsName][..(2 * classes)], pair[OnnxExporter.LogitsName]);
    }

    [Fact]
    public void Save_Classifier_DeclaresInputAndOutputsWithSymbolicBatch()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CompactCnn, 20, 16, 3);
        string path = Path.Combine(folder.Path, "model.onnx");

        OnnxExporter.Save(classifier, path);

        using var session = new InferenceSession(path);
        NodeMetadata input = Assert.Single(session.InputMetadata, i => i.Key == "image").Value;
        Assert.Equal(new[] { -1, 3, 16, 20 }, input.Dimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);
        Assert.Equal(new[] { "logits", "probabilities" }, session.OutputMetadata.Keys.Order());
        Assert.All(session.OutputMetadata.Values, o => Assert.Equal(new[] { -1, 4 }, o.Dimensions));
    }

    [Fact]
    public void Save_Classifier_WritesMetadataThatReadsBack()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CompactCnn, 20, 16, 3);
        string path = Path.Combine(folder.Path, "model.onnx");

        OnnxExporter.Save(classifier, path);

        using var session = new InferenceSession(path);
        ModelMetadata metadata = session.ModelMetadata;
        Dictionary<string, string> properties = metadata.CustomMetadataMap;
        Assert.Equal("DlClassifier", metadata.ProducerName);
        Assert.Equal(new[] { "cat", "dog", "bird, small", "fish \"gold\"" },
            JsonSerializer.Deserialize<string[]>(properties["class_names"]));
        Assert.Equal(("20", "16", "3"),
            (properties["image_width"], properties["image_height"], properties["image_channels"]));
        Assert.Equal("CompactCnn", properties["architecture"]);
        Assert.Equal(new[] { 0.4f, 0.5f, 0.6f }, JsonSerializer.Deserialize<float[]>(properties["normalization_mean"]));
        Assert.Equal(new[] { 0.2f, 0.25f, 0.3f }, JsonSerializer.Deserialize<float[]>(properties["normalization_std"]));
        Assert.Equal("1.7", properties["temperature"]);
        Assert.Equal("DlClassifier", properties["producer"]);
        Assert.Equal(typeof(OnnxExporter).Assembly.GetName().Version!.ToString(), properties["producer_version"]);
        Assert.Contains("RGB", properties["preprocessing"]);
        Assert.Contains("0..1", properties["preprocessing"]);
    }

    [Fact]
    public void Build_Classifier_UsesDocumentedOpsetAndIrVersion()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CompactCnn, 16, 16, 1);

        global::Onnx.ModelProto model = OnnxExporter.Build(classifier);

        Assert.Equal(8, model.IrVersion);
        global::Onnx.OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal(("", 17L), (opset.Domain, opset.Version));
        Assert.Equal(model.ToByteArray(), global::Onnx.ModelProto.Parser.ParseFrom(model.ToByteArray()).ToByteArray());
    }

    [Fact]
    public void Build_MeanImageClassifier_NamesItsNormalisationWithoutChannelStatistics()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CntkResNet18, 224, 224, 3);

        global::Onnx.ModelProto model = OnnxExporter.Build(classifier);

        Dictionary<string, string> properties = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("BgrMeanImage", properties["normalization"]);
        Assert.False(properties.ContainsKey("normalization_mean"));
        Assert.Contains("blue, green, red", properties["preprocessing"]);
        Assert.Equal(new[] { "Gather", "Mul", "Sub" }, model.Graph.Node.Take(3).Select(n => n.OpType));
    }

    [Fact]
    public void Build_UnfittedClassifier_WritesTheDefaultNormalisation()
    {
        using DlClassifier classifier =
            NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn, new[] { "a", "b" }, 16, 16, 1);

        global::Onnx.ModelProto model = OnnxExporter.Build(classifier);

        Dictionary<string, string> properties = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("[0.5]", properties["normalization_mean"]);
        Assert.Equal("[0.5]", properties["normalization_std"]);
        Assert.Equal("ChannelStatistics", properties["normalization"]);
        Assert.Equal("1", properties["temperature"]);
    }

    [Fact]
    public void SupportedArchitectures_EveryArchitecture_HasAnOnnxGraph()
    {
        Assert.Equal(Enum.GetValues<NetworkArchitecture>(), OnnxExporter.SupportedArchitectures);
    }

    [Fact]
    public void Save_ExistingFile_ReplacesIt()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CompactCnn, 16, 16, 1);
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllText(path, "old content");

        OnnxExporter.Save(classifier, path);

        using var session = new InferenceSession(path);
        Assert.Equal("DlClassifier", session.ModelMetadata.ProducerName);
        Assert.Equal(new[] { "model.onnx" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    /// <summary>
    /// A classifier whose every layer matters: a normalisation away from the default (or a mean image), batch
    /// norms whose running statistics are those of a batch of images, as after training (so activations keep a
    /// sane scale through deep networks), affine batch-norm weights away from 1 and 0, a linear head of unit gain
    /// with biases, and a temperature of 1.7.
    /// </summary>
    /// <param name="architecture">The network.</param>
    /// <param name="width">The input width.</param>
    /// <param name="height">The input height.</param>
    /// <param name="channels">The input channels.</param>
    /// <param name="calibration">The images whose statistics the batch norms take; by default four random ones.
    /// Deep networks on small inputs reach 1×1 feature maps, where a few images give each channel only a few
    /// values: a channel that barely varies over them would magnify other images far beyond any trained scale.
    /// </param>
    internal static DlClassifier CreateNonTrivial(NetworkArchitecture architecture, int width, int height,
        int channels, float[][]? calibration = null)
    {
        string[] classes = { "cat", "dog", "bird, small", "fish \"gold\"" };
        DlClassifier classifier = NetworkFactory.CreateClassifier(architecture, classes, width, height, channels);
        var random = new Random(7);
        if (architecture == NetworkArchitecture.CntkResNet18)
        {
            // A mean image near ImageNet's (about 104, 117, 123 for blue, green, red), varying by pixel.
            classifier.Normalization = InputNormalization.BgrMeanImage;
            float[] planeMeans = { 104, 117, 123 };
            int plane = width * height;
            classifier.MeanImage = Enumerable.Range(0, 3 * plane)
                .Select(i => planeMeans[i / plane] + (float)(random.NextDouble() * 20 - 10)).ToArray();
        }
        else
        {
            classifier.NormalizationMean = new[] { 0.4f, 0.5f, 0.6f }[..channels];
            classifier.NormalizationStd = new[] { 0.2f, 0.25f, 0.3f }[..channels];
        }
        using (no_grad())
        {
            foreach ((string _, nn.Module module) in classifier.Network.named_modules())
            {
                if (module is BatchNorm2d norm)
                {
                    int count = (int)norm.num_features;
                    norm.weight!.copy_(tensor(Draw(random, count, 0.6, 1.4)));
                    norm.bias!.copy_(tensor(Draw(random, count, -0.1, 0.1)));
                }
                else if (module is Linear linear)
                {
                    // Weights of unit gain, so that every feature moves the logits (MobileNetV2 draws them at
                    // 0.01, which would leave the logits to the biases).
                    double bound = Math.Sqrt(3.0 / linear.in_features);
                    int count = (int)(linear.in_features * linear.out_features);
                    linear.weight!.copy_(tensor(Draw(random, count, -bound, bound)).reshape(linear.weight.shape));
                    linear.bias!.copy_(tensor(Draw(random, (int)linear.out_features, -0.5, 0.5)));
                }
            }
        }

        // Last, so that the statistics are those of the layers as they finally are.
        SetRunningStatistics(classifier, calibration ?? RandomImages(16, channels * height * width, seed: 17));
        classifier.SetTemperature(1.7);
        return classifier;
    }

    /// <summary>Sets every batch norm's running statistics to those of one batch, as a training step would.
    /// </summary>
    private static void SetRunningStatistics(DlClassifier classifier, float[][] images)
    {
        List<BatchNorm2d> norms = classifier.Network.named_modules().Select(m => m.module).OfType<BatchNorm2d>()
            .ToList();
        norms.ForEach(n => n.momentum = 1);
        classifier.Network.train();
        using (no_grad())
        using (NewDisposeScope())
        {
            classifier.Network.forward(Predictor.Stack(classifier, images, 0, images.Length, CPU));
        }
        classifier.Network.eval();
        norms.ForEach(n => n.momentum = 0.1);
    }

    private static float[] Draw(Random random, int count, double low, double high) =>
        Enumerable.Range(0, count).Select(_ => (float)(low + random.NextDouble() * (high - low))).ToArray();

    private static float[][] RandomImages(int count, int size, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, size).Select(_ => (float)random.NextDouble()).ToArray())
            .ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= Tolerance, $"The largest difference is {worst}, above {Tolerance}.");
    }
}
