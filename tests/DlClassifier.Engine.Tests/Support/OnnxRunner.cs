using DlClassifier.Engine.Export.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace DlClassifier.Engine.Tests.Support;

/// <summary>Runs ONNX models in ONNX Runtime, the reference the export is checked against.</summary>
internal static class OnnxRunner
{
    /// <summary>
    /// Wraps a builder's graph with one batched input and one output into a model of the exporter's opset and
    /// runs it on <paramref name="input"/> (batch × the input's sizes).
    /// </summary>
    public static float[] RunGraph(OnnxGraphBuilder builder, OnnxFeatureMap input, string output, float[] values,
        int batch)
    {
        GraphProto graph = builder.Graph;
        graph.Name = "layer";
        graph.Input.Add(OnnxGraphBuilder.BatchedFloat(input.Name, "batch", input.Channels, input.Height,
            input.Width));
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
        graph.Output.Add(new ValueInfoProto { Name = output, Type = new TypeProto { TensorType = tensorType } });
        var model = new ModelProto { IrVersion = OnnxExporter.IrVersion, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExporter.OpsetVersion });

        using var session = new InferenceSession(model.ToByteArray());
        var dimensions = new[] { batch, (int)input.Channels, (int)input.Height, (int)input.Width };
        return Run(session, input.Name, values, dimensions)[output];
    }

    /// <summary>Runs a session on one float input and returns every output, flattened, by name.</summary>
    public static Dictionary<string, float[]> Run(InferenceSession session, string inputName, float[] values,
        int[] dimensions)
    {
        var inputs = new[] { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(values, dimensions)) };
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }
}
