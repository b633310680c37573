using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>A 4-D value of the graph, batch × channels × height × width, with its sizes known at export.</summary>
/// <param name="Name">The value's name in the graph.</param>
/// <param name="Channels">The channel count.</param>
/// <param name="Height">The height in pixels.</param>
/// <param name="Width">The width in pixels.</param>
internal readonly record struct OnnxFeatureMap(string Name, long Channels, long Height, long Width);

/// <summary>
/// Collects the nodes and weights of one ONNX graph: hands out unique value names, stores weights as float32
/// initializers and writes operator attributes. The layer writers (<see cref="OnnxLayers"/>) build on it.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto graph = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>The graph built so far; inputs and outputs are declared by the caller.</summary>
    public GraphProto Graph => graph;

    /// <summary>A value name not used yet: <paramref name="stem"/> itself, or with a number appended.</summary>
    public string UniqueName(string stem)
    {
        string name = stem;
        for (int i = 1; !names.Add(name); i++)
        {
            name = $"{stem}_{i}";
        }
        return name;
    }

    /// <summary>Stores a float tensor as an initializer; the tensor is copied, so the caller keeps it.</summary>
    public string AddInitializer(string stem, Tensor values)
    {
        using var scope = NewDisposeScope();
        Tensor contiguous = values.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return AddInitializer(stem, contiguous.data<float>().ToArray(), contiguous.shape);
    }

    /// <summary>Stores floats of the given shape as an initializer.</summary>
    /// <exception cref="ArgumentException">The shape does not hold as many values as given.</exception>
    public string AddInitializer(string stem, float[] values, params long[] dimensions)
    {
        long count = dimensions.Aggregate(1L, (product, d) => product * d);
        if (count != values.Length)
        {
            throw new ArgumentException(
                $"The initializer '{stem}' has {values.Length} values, but its shape " +
                $"[{string.Join(", ", dimensions)}] holds {count}.", nameof(values));
        }

        // ONNX stores raw tensor data little-endian; the platforms libtorch runs on all are.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX export needs a little-endian machine.");
        }
        string name = UniqueName(stem);
        var initializer = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())),
        };
        initializer.Dims.AddRange(dimensions);
        graph.Initializer.Add(initializer);
        return name;
    }

    /// <summary>Stores 64-bit integers (a shape, for instance) as an initializer.</summary>
    public string AddInt64Initializer(string stem, long[] values)
    {
        string name = UniqueName(stem);
        var initializer = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        initializer.Dims.Add(values.Length);
        initializer.Int64Data.AddRange(values);
        graph.Initializer.Add(initializer);
        return name;
    }

    /// <summary>Adds a node with one output named from <paramref name="outputStem"/> and returns that name.</summary>
    /// <param name="operatorType">The ONNX operator, such as <c>Conv</c>.</param>
    /// <param name="outputStem">The output's name, made unique.</param>
    /// <param name="inputs">The input value names in the operator's order.</param>
    /// <param name="attributes">The operator's attributes, made with <see cref="Ints"/>, <see cref="Int"/>
    /// and <see cref="Float"/>.</param>
    public string AddNode(string operatorType, string outputStem, IEnumerable<string> inputs,
        params AttributeProto[] attributes)
    {
        string output = UniqueName(outputStem);
        var node = new NodeProto { OpType = operatorType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }

    /// <summary>Reserves a name that the caller's inputs or outputs use, so no node output takes it.</summary>
    public void ReserveName(string name)
    {
        if (!names.Add(name))
        {
            throw new ArgumentException($"The value name '{name}' is used already.", nameof(name));
        }
    }

    /// <summary>Renames the output of the node that produces <paramref name="from"/> (the graph's outputs take
    /// names of their own).</summary>
    public void RenameOutput(string from, string to)
    {
        NodeProto node = graph.Node.Last(n => n.Output.Contains(from));
        node.Output[node.Output.IndexOf(from)] = to;
        foreach (NodeProto consumer in graph.Node)
        {
            for (int i = 0; i < consumer.Input.Count; i++)
            {
                if (consumer.Input[i] == from)
                {
                    consumer.Input[i] = to;
                }
            }
        }
    }

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A float tensor input or output of the graph whose first dimension is the batch.</summary>
    /// <param name="name">The value's name.</param>
    /// <param name="batchName">The symbolic name of the batch dimension, which any size fills at run time.</param>
    /// <param name="dimensions">The sizes after the batch.</param>
    public static ValueInfoProto BatchedFloat(string name, string batchName, params long[] dimensions)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchName });
        foreach (long dimension in dimensions)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dimension });
        }
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
