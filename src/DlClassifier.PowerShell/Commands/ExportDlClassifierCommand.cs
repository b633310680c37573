using System.Management.Automation;
using DlClassifier.Engine.Export.Onnx;
using DlClassifier.Engine.Persistence;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Saves a classifier, with its classes, preprocessing, parameters and history, as one file; or, with
/// -Format Onnx, as an ONNX model for inference in other runtimes.
/// </summary>
[Cmdlet(VerbsData.Export, "DlClassifier", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportDlClassifierCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string OnnxExtension = ".onnx";
    private const string NativeExtension = ".dlc";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    /// <summary>The file to write, relative to the current location (conventionally *.dlc or *.onnx).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>
    /// The file format. Without it, a path ending in .onnx writes ONNX and any other path the native format.
    /// </summary>
    [Parameter]
    public ClassifierFormat Format { get; set; }

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the saved file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string target = ResolveOutputPath(ParameterSetName == LiteralPathSet ? LiteralPath : Path);
        ClassifierFormat format = ChooseFormat(target);
        RefuseFolderTarget(target, format == ClassifierFormat.Onnx ? "ONNX model" : "classifier file");
        if (format == ClassifierFormat.Onnx && !OnnxExporter.SupportedArchitectures.Contains(Classifier.Architecture))
        {
            Terminate(new NotSupportedException(
                    $"The {Classifier.Architecture} architecture has no ONNX export yet; architectures that have " +
                    $"one: {string.Join(", ", OnnxExporter.SupportedArchitectures)}. Export this classifier with " +
                    "-Format Native instead."),
                ErrorIds.ExportNotSupported, ErrorCategory.NotImplemented, Classifier);
        }

        // -WhatIf answers before the existence check, so it tells what would be written and writes nothing.
        string action = format == ClassifierFormat.Onnx ? "Save classifier as ONNX model" : "Save classifier";
        if (!ShouldProcess(target, action))
        {
            return;
        }
        RefuseExistingTarget(target, Force);
        try
        {
            if (format == ClassifierFormat.Onnx)
            {
                OnnxExporter.Save(Classifier, target);
            }
            else
            {
                ClassifierFile.Save(Classifier, target);
            }
        }
        catch (NotSupportedException e)
        {
            Terminate(e, ErrorIds.ExportNotSupported, ErrorCategory.NotImplemented, Classifier);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, target);
        }
        WriteVerbose(format == ClassifierFormat.Onnx
            ? $"Saved the classifier as an ONNX model (opset {OnnxExporter.OpsetVersion}) to '{target}'."
            : $"Saved the classifier to '{target}'.");
        if (PassThru)
        {
            WriteObject(new FileInfo(target));
        }
    }

    /// <summary>The format asked for, or the one the file name implies; warns when the two disagree.</summary>
    private ClassifierFormat ChooseFormat(string target)
    {
        string extension = System.IO.Path.GetExtension(target);
        bool onnxName = extension.Equals(OnnxExtension, StringComparison.OrdinalIgnoreCase);
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(Format)))
        {
            return onnxName ? ClassifierFormat.Onnx : ClassifierFormat.Native;
        }
        if (Format == ClassifierFormat.Native && onnxName)
        {
            WriteWarning($"'{target}' ends in {OnnxExtension} but is written in the native format, " +
                         "which ONNX runtimes cannot read.");
        }
        else if (Format == ClassifierFormat.Onnx
                 && extension.Equals(NativeExtension, StringComparison.OrdinalIgnoreCase))
        {
            WriteWarning($"'{target}' ends in {NativeExtension} but is written as an ONNX model, " +
                         "which Import-DlClassifier cannot read.");
        }
        return Format;
    }
}
