using System.Management.Automation;
using DlClassifier.Engine.Persistence;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Saves a classifier, with its classes, preprocessing, parameters and history, as one file.</summary>
[Cmdlet(VerbsData.Export, "DlClassifier", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportDlClassifierCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    /// <summary>The file to write, relative to the current location (conventionally *.dlc).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the saved file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string target = ResolveOutputPath(ParameterSetName == LiteralPathSet ? LiteralPath : Path);
        RefuseFolderTarget(target, "classifier file");
        // -WhatIf answers before the existence check, so it tells what would be written and writes nothing.
        if (!ShouldProcess(target, "Save classifier"))
        {
            return;
        }
        RefuseExistingTarget(target, Force);
        try
        {
            ClassifierFile.Save(Classifier, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, target);
        }
        WriteVerbose($"Saved the classifier to '{target}'.");
        if (PassThru)
        {
            WriteObject(new FileInfo(target));
        }
    }
}
