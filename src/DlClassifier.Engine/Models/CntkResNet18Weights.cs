using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Models;

/// <summary>
/// The ImageNet weights and the input preprocessing of <see cref="NetworkArchitecture.CntkResNet18"/>, read from
/// the two ONNX files of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 (MIT), which the build
/// copies into the engine's <c>models</c> folder.
/// </summary>
/// <remarks>
/// <para><c>ResNet18.onnx</c> is a ResNet-18 trained on ImageNet and exported from CNTK 2.6 with its classifier
/// removed: it ends in a 7×7 average pooling with 512 outputs. Its initializers carry CNTK's numbered names, so
/// they are mapped onto the modules by walking the graph from the input (stem convolution, batch norm, max
/// pooling, then each residual block with its main path and shortcut), never by their order or names; any
/// other shape of graph is refused.</para>
/// <para><c>ResNetPreprocess.onnx</c> is the preprocessing ML.NET puts in front of it: the image's red, green
/// and blue planes with values of 0 to 255, at 224×224, are reordered to blue, green, red, and a mean image of
/// the same shape (about 103, 116 and 123 per channel, varying slightly over the picture) is subtracted. There
/// is no division by a standard deviation. The mean image is read from that graph after checking that the graph
/// does exactly this.</para>
/// </remarks>
public static class CntkResNet18Weights
{
    /// <summary>The side of the square input the weights were trained at, and a new classifier's default.</summary>
    public const int InputSize = 224;

    /// <summary>
    /// The smallest input side a classifier on these weights takes: the five halvings of the network leave one
    /// pixel of 512 features.
    /// </summary>
    public const int MinimumSize = ResNet.MinimumSize;

    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    public const string PackageVersion = "0.24.0";

    /// <summary>Where the weights come from, as a classifier records it.</summary>
    public const string Source = "ImageNet (" + PackageId + " " + PackageVersion + ")";

    public const string BackboneFileName = "ResNet18.onnx";

    public const string PreprocessingFileName = "ResNetPreprocess.onnx";

    /// <summary>The residual blocks per stage; torchvision's ResNet-18 has 2, 2, 2, 2.</summary>
    public static readonly IReadOnlyList<int> StageBlocks = new[] { 2, 2, 2, 3 };

    private const float BatchNormEpsilon = 1e-5f;

    private static readonly int[] StageChannels = { 64, 128, 256, 512 };

    private static readonly object CacheGate = new();

    private static IReadOnlyDictionary<string, WeightTensor>? cachedWeights;

    private static float[]? cachedMeanImage;

    /// <summary>The folder the build copies the model files to: <c>models</c> beside the engine assembly.</summary>
    public static string ModelFolder =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(CntkResNet18Weights).Assembly.Location) ?? "",
            "models");

    public static string BackbonePath => System.IO.Path.Combine(ModelFolder, BackboneFileName);

    public static string PreprocessingPath => System.IO.Path.Combine(ModelFolder, PreprocessingFileName);

    /// <summary>
    /// Copies the ImageNet weights into every module of the network but its head, which keeps its own weights.
    /// The file is read once per process; later calls copy from memory.
    /// </summary>
    /// <exception cref="FileNotFoundException">The model file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not the expected model.</exception>
    internal static void LoadInto(ResNet network)
    {
        IReadOnlyDictionary<string, WeightTensor> weights = Weights();
        using var noGrad = no_grad();
        var filled = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, Tensor target) in network.state_dict())
        {
            if (!weights.TryGetValue(name, out WeightTensor? source))
            {
                continue;
            }
            if (!target.shape.SequenceEqual(source.Shape))
            {
                throw NotExpected(BackbonePath, $"its tensor for {name} has the shape " +
                    $"[{string.Join(", ", source.Shape)}], where the network has [{string.Join(", ", target.shape)}]");
            }
            using Tensor values = tensor(source.Values, source.Shape);
            target.copy_(values);
            filled.Add(name);
        }
        string[] missing = weights.Keys.Where(k => !filled.Contains(k)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"The network has no place for the pretrained tensors {string.Join(", ", missing)}.");
        }
    }

    /// <summary>
    /// The mean image subtracted from the input: blue, green and red planes of 224×224 values on the 0 to 255
    /// scale, in that order. The file is read once per process; each call returns a new copy.
    /// </summary>
    /// <exception cref="FileNotFoundException">The model file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not the expected preprocessing.</exception>
    public static float[] MeanImage()
    {
        lock (CacheGate)
        {
            cachedMeanImage ??= ReadMeanImage(PreprocessingPath);
            return (float[])cachedMeanImage.Clone();
        }
    }

    /// <summary>
    /// The mean image at another input size: each of its three planes resized from 224×224 to
    /// <paramref name="width"/>×<paramref name="height"/> by bilinear interpolation with half-pixel centres and no
    /// anti-aliasing (see <see cref="Data.BilinearResize"/>). The mean image varies slowly over the picture, so
    /// the resized one is the mean of the resized ImageNet images to well within a grey level; at 224×224 it is
    /// the package's, unchanged.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A side below <see cref="MinimumSize"/>.</exception>
    /// <exception cref="FileNotFoundException">The model file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not the expected preprocessing.</exception>
    public static float[] MeanImage(int width, int height)
    {
        RequireInputSize(width, nameof(width));
        RequireInputSize(height, nameof(height));
        float[] mean = MeanImage();
        return (width, height) == (InputSize, InputSize)
            ? mean
            : Data.BilinearResize.Planes(mean, 3, InputSize, InputSize, width, height);
    }

    /// <summary>Checks one side of the input against <see cref="MinimumSize"/>, naming the parameter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The side is below the minimum.</exception>
    internal static void RequireInputSize(int side, string parameterName)
    {
        if (side < MinimumSize)
        {
            throw new ArgumentOutOfRangeException(parameterName, side,
                $"The pretrained CntkResNet18 takes images of at least {MinimumSize}×{MinimumSize} pixels; " +
                $"{parameterName} {side} is too small.");
        }
    }

    private static IReadOnlyDictionary<string, WeightTensor> Weights()
    {
        lock (CacheGate)
        {
            return cachedWeights ??= ReadBackbone(BackbonePath);
        }
    }

    /// <summary>The backbone's tensors by the state-dict name of the module they belong to.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not the expected model.</exception>
    internal static IReadOnlyDictionary<string, WeightTensor> ReadBackbone(string path)
    {
        ModelProto model = ReadModel(path);
        var walk = new GraphWalk(model.Graph, path);
        string x = walk.ImageInput();

        x = walk.Convolution(x, "conv1", kernel: 7, stride: 2, padding: 3, outputChannels: StageChannels[0]);
        x = walk.BatchNorm(x, "bn1");
        x = walk.Next(x, "Relu").Output[0];
        NodeProto pooling = walk.Next(x, "MaxPool");
        walk.RequireWindow(pooling, kernel: 3, stride: 2, padding: 1);
        x = pooling.Output[0];

        var blocks = new List<(int Channels, int Stride)>();
        while (walk.ConsumerCount(x) > 0 && walk.Consumers(x).Any(n => n.OpType == "Conv"))
        {
            (x, int channels, int stride) = walk.ResidualBlock(x, blocks.Count);
            blocks.Add((channels, stride));
        }

        NodeProto average = walk.Next(x, "AveragePool");
        walk.RequireWindow(average, kernel: 7, stride: 1, padding: 0);
        if (!model.Graph.Output.Any(o => o.Name == average.Output[0]))
        {
            throw NotExpected(path, "its last average pooling is not the graph's output");
        }

        // Blocks are named by stage once the stages are known: a stage starts at every stride-2 block.
        int[] stageOf = new int[blocks.Count];
        var counts = new int[StageBlocks.Count];
        for (int i = 0, stage = 0; i < blocks.Count; i++)
        {
            if (i > 0 && blocks[i].Stride == 2)
            {
                stage++;
            }
            if (stage >= StageBlocks.Count || blocks[i].Channels != StageChannels[stage])
            {
                throw NotExpected(path, $"its residual block {i + 1} has {blocks[i].Channels} channels and " +
                    $"stride {blocks[i].Stride}, which fits no stage of a ResNet-18");
            }
            stageOf[i] = stage;
            counts[stage]++;
        }
        if (!counts.SequenceEqual(StageBlocks))
        {
            throw NotExpected(path, $"its stages have {string.Join(", ", counts)} residual blocks, not " +
                string.Join(", ", StageBlocks));
        }
        var weights = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach ((string key, TensorProto initializer) in walk.Mapped)
        {
            weights[Rename(key, stageOf, counts)] = WeightTensor.From(initializer, path);
        }
        int unused = model.Graph.Initializer.Count - walk.Mapped.Count;
        if (unused != 0)
        {
            throw NotExpected(path, $"{unused} of its {model.Graph.Initializer.Count} tensors belong to no layer " +
                "of a ResNet-18");
        }
        return weights;
    }

    /// <summary>Reads the mean image after checking that the graph only reorders RGB to BGR and subtracts it.</summary>
    internal static float[] ReadMeanImage(string path)
    {
        ModelProto model = ReadModel(path);
        GraphProto graph = model.Graph;
        var walk = new GraphWalk(graph, path);
        string input = walk.ImageInput();
        NodeProto split = walk.Next(input, "Split");
        if (split.Output.Count != 3 || GraphWalk.IntAttribute(split, "axis") != 1)
        {
            throw NotExpected(path, "it does not split the input into its three channels");
        }
        NodeProto concat = walk.Next(split.Output[0], "Concat");
        string[] order = concat.Input.ToArray();
        if (GraphWalk.IntAttribute(concat, "axis") != 1
            || !order.SequenceEqual(new[] { split.Output[2], split.Output[1], split.Output[0] }))
        {
            throw NotExpected(path, "it does not reorder the red, green and blue channels to blue, green, red");
        }
        NodeProto subtract = walk.Next(concat.Output[0], "Sub");
        TensorProto mean = walk.Initializer(subtract, 1);
        if (subtract.Input[0] != concat.Output[0] || !mean.Dims.SequenceEqual(new long[] { 1, 3, InputSize, InputSize })
            || !graph.Output.Any(o => o.Name == subtract.Output[0]) || graph.Node.Count != 3)
        {
            throw NotExpected(path, $"it does more than subtract a 1×3×{InputSize}×{InputSize} mean image");
        }
        return WeightTensor.From(mean, path).Values;
    }

    private static ModelProto ReadModel(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The pretrained model file '{path}' is missing. It comes from the NuGet package {PackageId} " +
                $"{PackageVersion}, which the build copies into the module's models folder; build or install the " +
                "module again.", path);
        }
        try
        {
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model: {e.Message}", e);
        }
    }

    /// <summary>Turns a key with a global block number (<c>block7.conv1.weight</c>) into its stage's name.</summary>
    private static string Rename(string key, int[] stageOf, int[] counts)
    {
        if (!key.StartsWith("block", StringComparison.Ordinal))
        {
            return key;
        }
        int dot = key.IndexOf('.');
        int block = int.Parse(key.AsSpan(5, dot - 5), System.Globalization.CultureInfo.InvariantCulture);
        int stage = stageOf[block];
        int inStage = block - counts.Take(stage).Sum();
        return $"layer{stage + 1}.{inStage}{key[dot..]}";
    }

    internal static InvalidDataException NotExpected(string path, string reason) =>
        new($"'{path}' is not the pretrained ResNet-18 of {PackageId} {PackageVersion}: {reason}.");

    /// <summary>A tensor of the file: its shape and float values in row-major order.</summary>
    internal sealed record WeightTensor(long[] Shape, float[] Values)
    {
        public static WeightTensor From(TensorProto proto, string path)
        {
            if (proto.DataType != (int)TensorProto.Types.DataType.Float)
            {
                throw NotExpected(path, $"its tensor {proto.Name} is not of 32-bit floats");
            }
            long count = proto.Dims.Aggregate(1L, (a, b) => a * b);
            float[] values = proto.FloatData.Count > 0
                ? proto.FloatData.ToArray()
                : MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray();
            if (values.Length != count)
            {
                throw NotExpected(path, $"its tensor {proto.Name} holds {values.Length} values for {count} places");
            }
            return new WeightTensor(proto.Dims.ToArray(), values);
        }
    }

    /// <summary>Follows the graph node by node, checking each step and recording which tensor goes where.</summary>
    private sealed class GraphWalk
    {
        private readonly GraphProto graph;
        private readonly string path;
        private readonly Dictionary<string, TensorProto> initializers;
        private readonly Dictionary<string, List<NodeProto>> consumers = new(StringComparer.Ordinal);

        public GraphWalk(GraphProto graph, string path)
        {
            this.graph = graph;
            this.path = path;
            initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (NodeProto node in graph.Node)
            {
                foreach (string input in node.Input)
                {
                    if (!consumers.TryGetValue(input, out List<NodeProto>? list))
                    {
                        consumers[input] = list = new List<NodeProto>();
                    }
                    list.Add(node);
                }
            }
        }

        /// <summary>Module keys (with blocks numbered across stages) and the tensors mapped to them.</summary>
        public Dictionary<string, TensorProto> Mapped { get; } = new(StringComparer.Ordinal);

        /// <summary>The one graph input that is not a tensor of the file: the image.</summary>
        public string ImageInput()
        {
            string[] inputs = graph.Input.Select(i => i.Name).Where(n => !initializers.ContainsKey(n)).ToArray();
            if (inputs.Length != 1)
            {
                throw NotExpected(path, $"it has {inputs.Length} inputs besides its tensors, not one image");
            }
            long[] shape = graph.Input.First(i => i.Name == inputs[0]).Type.TensorType.Shape.Dim
                .Select(d => d.DimValue).ToArray();
            if (shape.Length != 4 || shape[1] != 3 || shape[2] != InputSize || shape[3] != InputSize)
            {
                throw NotExpected(path, $"its input has the shape [{string.Join(", ", shape)}], not " +
                    $"[1, 3, {InputSize}, {InputSize}]");
            }
            return inputs[0];
        }

        public IReadOnlyList<NodeProto> Consumers(string value) =>
            consumers.TryGetValue(value, out List<NodeProto>? list) ? list : Array.Empty<NodeProto>();

        public int ConsumerCount(string value) => Consumers(value).Count;

        /// <summary>The single node that reads a value, which must be of the given operator.</summary>
        public NodeProto Next(string value, string operatorType)
        {
            IReadOnlyList<NodeProto> next = Consumers(value);
            if (next.Count != 1 || next[0].OpType != operatorType)
            {
                throw NotExpected(path, $"{value} is read by [{string.Join(", ", next.Select(n => n.OpType))}] " +
                    $"where a single {operatorType} was expected");
            }
            return next[0];
        }

        public TensorProto Initializer(NodeProto node, int input)
        {
            if (node.Input.Count <= input || !initializers.TryGetValue(node.Input[input], out TensorProto? tensor))
            {
                throw NotExpected(path, $"input {input} of its {node.OpType} node {node.Name} is not a tensor of " +
                    "the file");
            }
            return tensor;
        }

        /// <summary>Checks a convolution without bias and maps its weight; returns its output.</summary>
        public string Convolution(string input, string key, int kernel, int stride, int padding, int outputChannels)
        {
            NodeProto node = Consumers(input).SingleOrDefault(n => n.OpType == "Conv"
                && Ints(n, "kernel_shape").SequenceEqual(new long[] { kernel, kernel }))
                ?? throw NotExpected(path, $"{input} is not read by one {kernel}×{kernel} convolution");
            return Convolution(node, key, stride, padding, outputChannels);
        }

        private string Convolution(NodeProto node, string key, int stride, int padding, int outputChannels)
        {
            if (node.Input.Count != 2 || IntAttribute(node, "group", 1) != 1)
            {
                throw NotExpected(path, $"its convolution {node.Name} has a bias or groups");
            }
            RequireWindow(node, (int)Ints(node, "kernel_shape")[0], stride, padding);
            TensorProto weight = Initializer(node, 1);
            if (weight.Dims.Count != 4 || weight.Dims[0] != outputChannels)
            {
                throw NotExpected(path, $"its convolution {node.Name} has {weight.Dims.FirstOrDefault()} outputs, " +
                    $"not {outputChannels}");
            }
            Map(key + ".weight", weight);
            return node.Output[0];
        }

        /// <summary>Checks the batch norm that reads a value and maps its four tensors; returns its output.</summary>
        public string BatchNorm(string input, string key)
        {
            NodeProto node = Next(input, "BatchNormalization");
            float epsilon = FloatAttribute(node, "epsilon", BatchNormEpsilon);
            if (Math.Abs(epsilon - BatchNormEpsilon) > 1e-9f || node.Input.Count != 5)
            {
                throw NotExpected(path, $"its batch norm {node.Name} has epsilon {epsilon}, not {BatchNormEpsilon}");
            }
            // ONNX orders the inputs as data, scale, bias, running mean, running variance.
            Map(key + ".weight", Initializer(node, 1));
            Map(key + ".bias", Initializer(node, 2));
            Map(key + ".running_mean", Initializer(node, 3));
            Map(key + ".running_var", Initializer(node, 4));
            return node.Output[0];
        }

        /// <summary>
        /// One basic block starting at a value: 3×3 convolution, batch norm, ReLU, 3×3 convolution, batch norm,
        /// added to the shortcut (the value itself, or a 1×1 convolution and batch norm of it), then ReLU.
        /// </summary>
        public (string Output, int Channels, int Stride) ResidualBlock(string input, int index)
        {
            string key = $"block{index}";
            NodeProto[] convolutions = Consumers(input).Where(n => n.OpType == "Conv").ToArray();
            NodeProto main = convolutions.SingleOrDefault(n =>
                    Ints(n, "kernel_shape").SequenceEqual(new long[] { 3, 3 }))
                ?? throw NotExpected(path, $"residual block {index + 1} does not start with one 3×3 convolution");
            NodeProto? projection = convolutions.SingleOrDefault(n =>
                Ints(n, "kernel_shape").SequenceEqual(new long[] { 1, 1 }));
            if (convolutions.Length != (projection is null ? 1 : 2))
            {
                throw NotExpected(path, $"residual block {index + 1} starts with {convolutions.Length} convolutions");
            }
            int stride = (int)Ints(main, "strides")[0];
            int channels = (int)Initializer(main, 1).Dims[0];

            string x = Convolution(main, key + ".conv1", stride, padding: 1, channels);
            x = BatchNorm(x, key + ".bn1");
            x = Next(x, "Relu").Output[0];
            x = Convolution(x, key + ".conv2", kernel: 3, stride: 1, padding: 1, outputChannels: channels);
            x = BatchNorm(x, key + ".bn2");
            NodeProto add = Next(x, "Add");

            string shortcut = input;
            if (projection is not null)
            {
                shortcut = Convolution(projection, key + ".downsample.0", stride, padding: 0, channels);
                shortcut = BatchNorm(shortcut, key + ".downsample.1");
            }
            else if (stride != 1)
            {
                throw NotExpected(path, $"residual block {index + 1} has stride {stride} but no projection");
            }
            if (add.Input.Count != 2 || !add.Input.Contains(x) || !add.Input.Contains(shortcut))
            {
                throw NotExpected(path, $"residual block {index + 1} does not add its shortcut to its main path");
            }
            return (Next(add.Output[0], "Relu").Output[0], channels, stride);
        }

        /// <summary>
        /// Checks a window's size, stride and padding. CNTK pads a stride-2 window by the given amount before the
        /// image and by one less (or none) after it; for an even input that computes what symmetric padding does,
        /// because no window reaches the last padded pixel (see <see cref="ResNet.CntkResNet18"/>).
        /// </summary>
        public void RequireWindow(NodeProto node, int kernel, int stride, int padding)
        {
            long[] kernelShape = Ints(node, "kernel_shape");
            long[] strides = Ints(node, "strides");
            long[] pads = Ints(node, "pads");
            if (pads.Length == 0)
            {
                pads = new long[4];
            }
            bool padsFit = pads.Length == 4 && pads[0] == padding && pads[1] == padding
                && pads[2] == pads[3] && (pads[2] == padding || (stride == 2 && pads[2] == padding - 1));
            if (!kernelShape.SequenceEqual(new long[] { kernel, kernel })
                || !strides.SequenceEqual(new long[] { stride, stride }) || !padsFit
                || (node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET") != "NOTSET")
            {
                throw NotExpected(path, $"its {node.OpType} node {node.Name} has kernel " +
                    $"[{string.Join(", ", kernelShape)}], strides [{string.Join(", ", strides)}] and pads " +
                    $"[{string.Join(", ", pads)}], where {kernel}×{kernel}, stride {stride}, padding {padding} " +
                    "was expected");
            }
        }

        private void Map(string key, TensorProto tensor)
        {
            if (Mapped.Values.Contains(tensor))
            {
                throw NotExpected(path, $"its tensor {tensor.Name} is used by more than one layer");
            }
            Mapped[key] = tensor;
        }

        private static long[] Ints(NodeProto node, string name) =>
            node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray() ?? Array.Empty<long>();

        public static long IntAttribute(NodeProto node, string name, long fallback = -1) =>
            node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;

        private static float FloatAttribute(NodeProto node, string name, float fallback) =>
            node.Attribute.FirstOrDefault(a => a.Name == name)?.F ?? fallback;
    }
}
