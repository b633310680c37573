using System.Management.Automation;
using DlClassifier.Engine.Persistence;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Loads a classifier saved by Export-DlClassifier.</summary>
[Cmdlet(VerbsData.Import, "DlClassifier", DefaultParameterSetName = PathSet)]
[OutputType(typeof(Classifier))]
public sealed class ImportDlClassifierCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Classifier files; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true,
        ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Files taken exactly as written. Files from Get-ChildItem or Get-Item bind here through PSPath, so that
    /// brackets in their names are not read as wildcards.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string file in ResolveExisting(literal ? LiteralPath : Path, literal))
        {
            try
            {
                Classifier classifier = ClassifierFile.Load(file);
                WriteVerbose($"Loaded '{file}': {classifier}.");
                WriteObject(classifier);
            }
            catch (ClassifierFileException e)
            {
                WriteError(Error(e, ErrorIds.ClassifierFileInvalid, ErrorCategory.InvalidData, file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(Error(e, ErrorIds.ClassifierFileInvalid, ErrorCategory.ReadError, file));
            }
        }
    }
}
