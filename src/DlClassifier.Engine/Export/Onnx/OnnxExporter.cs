using System.Globalization;
using System.Text.Json;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.IO;
using DlClassifier.Engine.Models;
using Google.Protobuf;
using Onnx;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>
/// Writes a classifier as an ONNX model that takes images with pixels in 0..1 and gives the network's logits and
/// the calibrated class probabilities; the normalisation and the temperature are nodes of the graph, so a
/// runtime needs nothing beside the file but the resize to the input size.
/// </summary>
/// <remarks>
/// The graph: <c>image</c> (float, batch × channels × height × width, RGB or grey, 0..1) → Sub(mean) → Div(std)
/// (or, for a mean-image classifier, Gather to BGR → Mul(255) → Sub(mean image)) → the network in evaluation
/// mode → <c>logits</c> (batch × classes) → Div(temperature) → Softmax → <c>probabilities</c>. The batch
/// dimension is symbolic, so any batch size runs. Opset 17 and IR version 8 (ONNX 1.12): every operator used is
/// stable there, ONNX Runtime 1.32 runs it, and runtimes back to ONNX Runtime 1.12 can still load it. The
/// model's metadata_props hold the class names, input size and preprocessing
/// (see <see cref="MetadataKeys"/>).
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The default operator set version the graph is written for.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version of the file (8 is ONNX 1.10 to 1.12's).</summary>
    public const int IrVersion = 8;

    public const string InputName = "image";

    public const string LogitsName = "logits";

    public const string ProbabilitiesName = "probabilities";

    public const string BatchDimension = "batch";

    public const string ProducerName = "DlClassifier";

    /// <summary>The keys of the model's metadata_props.</summary>
    public static class MetadataKeys
    {
        /// <summary>The class names in output order, as a JSON array of strings.</summary>
        public const string ClassNames = "class_names";

        public const string Architecture = "architecture";

        public const string ImageWidth = "image_width";

        public const string ImageHeight = "image_height";

        /// <summary>1 (grey) or 3 (RGB).</summary>
        public const string ImageChannels = "image_channels";

        /// <summary>A sentence on how an image becomes the <c>image</c> input.</summary>
        public const string Preprocessing = "preprocessing";

        /// <summary>How the graph turns the input into the network's: ChannelStatistics or BgrMeanImage.</summary>
        public const string Normalization = "normalization";

        /// <summary>For ChannelStatistics: the per-channel mean the graph subtracts, as a JSON array.</summary>
        public const string NormalizationMean = "normalization_mean";

        /// <summary>For ChannelStatistics: the per-channel deviation the graph divides by, as a JSON array.
        /// </summary>
        public const string NormalizationStd = "normalization_std";

        /// <summary>The temperature the graph divides the logits by before the softmax.</summary>
        public const string Temperature = "temperature";

        public const string Producer = "producer";

        public const string ProducerVersion = "producer_version";
    }

    /// <summary>The architectures that have an ONNX graph description.</summary>
    public static IReadOnlyList<NetworkArchitecture> SupportedArchitectures { get; } = new[]
    {
        NetworkArchitecture.CompactCnn, NetworkArchitecture.ResNet18, NetworkArchitecture.ResNet50,
        NetworkArchitecture.MobileNetV2, NetworkArchitecture.CntkResNet18,
    };

    /// <summary>Writes the classifier's ONNX model to <paramref name="path"/>, replacing it atomically.</summary>
    /// <exception cref="NotSupportedException">The classifier's architecture has no ONNX graph description.
    /// </exception>
    public static void Save(DlClassifier classifier, string path)
    {
        ModelProto model = Build(classifier);
        AtomicFile.Write(path, stream => model.WriteTo(stream));
    }

    /// <summary>The classifier's ONNX model.</summary>
    /// <exception cref="NotSupportedException">The classifier's architecture has no ONNX graph description.
    /// </exception>
    public static ModelProto Build(DlClassifier classifier)
    {
        if (!SupportedArchitectures.Contains(classifier.Architecture))
        {
            throw new NotSupportedException(
                $"The {classifier.Architecture} architecture has no ONNX export yet; architectures that have one: " +
                $"{string.Join(", ", SupportedArchitectures)}. Export it in the native format instead.");
        }

        var builder = new OnnxGraphBuilder();
        builder.ReserveName(InputName);
        builder.ReserveName(LogitsName);
        builder.ReserveName(ProbabilitiesName);
        var input = new OnnxFeatureMap(InputName, classifier.ImageChannels, classifier.ImageHeight,
            classifier.ImageWidth);

        string logits;
        lock (classifier.Gate)
        {
            OnnxFeatureMap normalized = WriteNormalization(builder, input, classifier);
            logits = classifier.Network switch
            {
                CompactCnn network => CompactCnnGraph.WriteLogits(builder, normalized, network),
                ResNet network => ResNetGraph.WriteLogits(builder, normalized, network),
                MobileNetV2 network => MobileNetV2Graph.WriteLogits(builder, normalized, network),
                var network => throw new NotSupportedException(
                    $"The {classifier.Architecture} network ({network.GetType().Name}) has no ONNX graph description."),
            };
        }
        builder.RenameOutput(logits, LogitsName);
        string probabilities = OnnxLayers.Softmax(builder, LogitsName, classifier.Temperature, "softmax");
        builder.RenameOutput(probabilities, ProbabilitiesName);

        GraphProto graph = builder.Graph;
        graph.Name = $"DlClassifier {classifier.Architecture}";
        graph.Input.Add(OnnxGraphBuilder.BatchedFloat(InputName, BatchDimension, classifier.ImageChannels,
            classifier.ImageHeight, classifier.ImageWidth));
        int classes = classifier.ClassNames.Length;
        graph.Output.Add(OnnxGraphBuilder.BatchedFloat(LogitsName, BatchDimension, classes));
        graph.Output.Add(OnnxGraphBuilder.BatchedFloat(ProbabilitiesName, BatchDimension, classes));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = EngineVersion,
            ModelVersion = 1,
            DocString = $"{classifier.Architecture} image classifier of {classes} classes, " +
                        $"{classifier.ImageWidth}×{classifier.ImageHeight}×{classifier.ImageChannels}.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach ((string key, string value) in Metadata(classifier))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return model;
    }

    /// <summary>The classifier's normalisation as the graph's first nodes.</summary>
    private static OnnxFeatureMap WriteNormalization(OnnxGraphBuilder builder, OnnxFeatureMap input,
        DlClassifier classifier)
    {
        if (classifier.Normalization == InputNormalization.BgrMeanImage)
        {
            float[] meanImage = classifier.MeanImage
                ?? throw new InvalidOperationException("The classifier's mean image is missing.");
            return OnnxLayers.BgrMeanImage(builder, input, meanImage, "normalize");
        }
        (float[] mean, float[] std) = classifier.EffectiveNormalization();
        return OnnxLayers.Normalize(builder, input, mean, std, "normalize");
    }

    private static string EngineVersion =>
        typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0";

    private static IEnumerable<(string Key, string Value)> Metadata(DlClassifier classifier)
    {
        string colour = classifier.ImageChannels == 1 ? "grey (luminance)" : "RGB";
        yield return (MetadataKeys.ClassNames, JsonSerializer.Serialize(classifier.ClassNames));
        yield return (MetadataKeys.Architecture, classifier.Architecture.ToString());
        yield return (MetadataKeys.ImageWidth, Invariant(classifier.ImageWidth));
        yield return (MetadataKeys.ImageHeight, Invariant(classifier.ImageHeight));
        yield return (MetadataKeys.ImageChannels, Invariant(classifier.ImageChannels));
        string normalization;
        if (classifier.Normalization == InputNormalization.BgrMeanImage)
        {
            normalization = "reorders the channels to blue, green, red, multiplies by 255 and subtracts the " +
                            "ImageNet mean image it holds (one value per channel and pixel)";
        }
        else
        {
            (float[] mean, float[] std) = classifier.EffectiveNormalization();
            yield return (MetadataKeys.NormalizationMean, JsonSerializer.Serialize(mean));
            yield return (MetadataKeys.NormalizationStd, JsonSerializer.Serialize(std));
            normalization = $"subtracts {MetadataKeys.NormalizationMean} and divides by " +
                            MetadataKeys.NormalizationStd;
        }
        yield return (MetadataKeys.Normalization, classifier.Normalization.ToString());
        yield return (MetadataKeys.Preprocessing,
            $"Input '{InputName}' is float32 N×{classifier.ImageChannels}×{classifier.ImageHeight}×" +
            $"{classifier.ImageWidth}, {colour}, pixel values divided by 255 (0..1), channel-planar. Before that " +
            "the image is turned upright by its EXIF orientation, transparency is composited over black, and it " +
            $"is stretched (aspect ratio not kept) to {classifier.ImageWidth}×{classifier.ImageHeight}. The graph " +
            $"itself {normalization}, and gives '{ProbabilitiesName}' = softmax('{LogitsName}' / " +
            $"{MetadataKeys.Temperature}).");
        yield return (MetadataKeys.Temperature, classifier.Temperature.ToString("R", CultureInfo.InvariantCulture));
        yield return (MetadataKeys.Producer, ProducerName);
        yield return (MetadataKeys.ProducerVersion, EngineVersion);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
