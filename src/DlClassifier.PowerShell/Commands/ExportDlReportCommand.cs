using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Reports;
using DlClassifier.Engine.Training;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>The subsets a report can describe: the held-out ones.</summary>
public enum ReportSplit
{
    Validation,
    Test,
}

/// <summary>Writes one self-contained HTML report on a classifier and a held-out subset of a data set.</summary>
[Cmdlet(VerbsData.Export, "DlReport", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportDlReportCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>The HTML file to write, relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 2, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>The subset the report evaluates.</summary>
    [Parameter]
    public ReportSplit Split { get; set; } = ReportSplit.Validation;

    /// <summary>How many misclassified images, hardest first, are shown with their Grad-CAM maps.</summary>
    [Parameter]
    [ValidateRange(0, 200)]
    public int HardestCount { get; set; } = HtmlReport.DefaultHardestCount;

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        string target = ResolveOutputPath(ParameterSetName == LiteralPathSet ? LiteralPath : Path);
        RefuseFolderTarget(target, "HTML file");
        if (!ShouldProcess(target, "Write classifier report"))
        {
            return;
        }
        RefuseExistingTarget(target, Force);
        SampleSplit split = Split == ReportSplit.Test ? SampleSplit.Test : SampleSplit.Validation;
        try
        {
            DlEvaluation evaluation = RunEngine("Writing the report",
                (reporter, token) => HtmlReport.Write(Classifier, DataSet, split, target, HardestCount, reporter,
                    token));
            if (split == SampleSplit.Test)
            {
                Classifier.MarkTestEvaluated(evaluation.EvaluatedAt);
            }
            WriteVerbose($"Wrote the report on {evaluation.ImageCount} {Split} images to '{target}'.");
            WriteObject(new FileInfo(target));
        }
        catch (UnknownClassException e)
        {
            Terminate(e, ErrorIds.ClassUnknown, ErrorCategory.InvalidData, e.ClassName);
        }
        catch (InvalidOperationException e)
        {
            Terminate(e, ErrorIds.SplitEmpty, ErrorCategory.InvalidData, Split);
        }
        catch (InvalidDataException e)
        {
            Terminate(e, ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, DataSet);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, target);
        }
    }
}
