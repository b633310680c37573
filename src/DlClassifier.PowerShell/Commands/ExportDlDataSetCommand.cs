using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Writes the samples of a data set, or samples piped in, as a CSV or TSV list with the columns path, class,
/// group and split, which Import-DlDataSet -ListPath reads back.
/// </summary>
[Cmdlet(VerbsData.Export, "DlDataSet", SupportsShouldProcess = true, DefaultParameterSetName = DataSetSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportDlDataSetCommand : DlCmdlet
{
    private const string DataSetSet = "DataSet";
    private const string SampleSet = "Sample";

    private readonly List<DlSample> samples = new();

    /// <summary>The data set whose samples are written.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DataSetSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>Samples to write, such as a data set's Samples filtered with Where-Object.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SampleSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlSample[] Sample { get; set; } = Array.Empty<DlSample>();

    /// <summary>
    /// The list file to write, relative to the current location; tab-separated when it ends in .tsv,
    /// comma-separated otherwise. Wildcards are not expanded.
    /// </summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The list file to write, taken exactly as written; give this or -Path.</summary>
    /// <remarks>
    /// Both are optional parameters checked together rather than two parameter sets, which would double the
    /// data set and sample sets.
    /// </remarks>
    [Parameter]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the list's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        if ((Path is null) == (LiteralPath is null))
        {
            Terminate(new ArgumentException("Give the list file to write with either -Path or -LiteralPath."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, Path ?? LiteralPath);
        }
    }

    protected override void ProcessRecord()
    {
        samples.AddRange(ParameterSetName == SampleSet ? Sample : DataSet.Samples);
    }

    protected override void EndProcessing()
    {
        string target = ResolveOutputPath((Path ?? LiteralPath)!);
        RefuseFolderTarget(target, "list file");
        if (samples.Count == 0)
        {
            Terminate(new ArgumentException("There is no sample to write; a list without images cannot be imported."),
                ErrorIds.DataSetInvalid, ErrorCategory.InvalidArgument, target);
        }
        string? repeated = samples.GroupBy(s => s.Path, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null)
        {
            Terminate(new ArgumentException(
                    $"The image '{repeated}' is given more than once; a list names every image once. Remove the " +
                    "repeated samples (for example with Sort-Object Path -Unique) and export again."),
                ErrorIds.DataSetInvalid, ErrorCategory.InvalidArgument, repeated);
        }
        RefuseExistingTarget(target, Force);
        if (!ShouldProcess(target, $"Write a list of {samples.Count} images"))
        {
            return;
        }

        try
        {
            DataSetListFile.Write(target, samples);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, target);
        }

        int classes = samples.Select(s => s.ClassName).Distinct(StringComparer.Ordinal).Count();
        WriteVerbose($"Wrote {samples.Count} images of {classes} classes to '{target}'.");
        if (PassThru)
        {
            WriteObject(new FileInfo(target));
        }
    }
}
