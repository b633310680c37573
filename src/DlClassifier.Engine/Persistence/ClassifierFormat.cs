namespace DlClassifier.Engine.Persistence;

/// <summary>The file formats a classifier can be exported in.</summary>
public enum ClassifierFormat
{
    /// <summary>DlClassifier's own file (<see cref="ClassifierFile"/>): everything needed to use, import and
    /// go on training the classifier. Conventionally *.dlc.</summary>
    Native,

    /// <summary>An ONNX model for inference elsewhere, with normalisation and temperature in the graph
    /// (<see cref="Export.Onnx.OnnxExporter"/>). It cannot be imported back. Conventionally *.onnx.</summary>
    Onnx,
}
