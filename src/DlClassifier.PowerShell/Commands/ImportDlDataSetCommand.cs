using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Imports labelled images laid out as one folder per class into a data set.</summary>
[Cmdlet(VerbsData.Import, "DlDataSet", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DlDataSet))]
public sealed class ImportDlDataSetCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparer.OrdinalIgnoreCase
        : StringComparer.Ordinal;

    private readonly List<string> roots = new();

    /// <summary>The folders that hold one folder per class; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true,
        ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The folders, taken exactly as written.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Leave out class folders without images (with a warning) instead of failing.</summary>
    [Parameter]
    public SwitchParameter SkipEmptyClass { get; set; }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string root in ResolveExisting(literal ? LiteralPath : Path, literal))
        {
            if (Directory.Exists(root))
            {
                // A root named twice (or by a path and a wildcard) would import every image twice, and the
                // split could then put one image into training and test at once.
                string folder = System.IO.Path.TrimEndingDirectorySeparator(root);
                if (!roots.Contains(folder, PathComparer))
                {
                    roots.Add(folder);
                }
            }
            else
            {
                WriteError(Error(new ArgumentException(
                        $"'{root}' is a file. Give the folder that holds one folder per class."),
                    ErrorIds.DataSetInvalid, ErrorCategory.InvalidArgument, root));
            }
        }
    }

    protected override void EndProcessing()
    {
        if (roots.Count == 0)
        {
            return;
        }
        var problems = new List<ImportProblem>();
        var skipped = new List<SkippedFile>();
        var emptyClasses = new List<string>();
        DlDataSet dataSet;
        try
        {
            dataSet = RunEngine("Importing images", (reporter, token) => DataSetImporter.ImportFolders(roots,
                new FolderImportOptions
                {
                    SkipEmptyClasses = SkipEmptyClass,
                    OnProblem = problem => { lock (problems) { problems.Add(problem); } },
                    OnSkipped = file => { lock (skipped) { skipped.Add(file); } },
                    OnEmptyClassSkipped = name => { lock (emptyClasses) { emptyClasses.Add(name); } },
                    OnProgress = (done, total) => reporter.Progress(new Engine.ProgressUpdate(
                        0, "Importing images", $"{done} of {total} files", total == 0 ? 1 : (double)done / total, null)),
                }));
        }
        catch (InvalidDataException e)
        {
            Terminate(e, ErrorIds.DataSetInvalid, ErrorCategory.InvalidData, roots.Count == 1 ? roots[0] : roots);
            return;
        }

        foreach (SkippedFile file in skipped)
        {
            WriteVerbose($"Skipped '{file.Path}': {file.Reason}.");
        }
        foreach (string name in emptyClasses)
        {
            WriteWarning($"The class folder '{name}' holds no image and was left out of the data set.");
        }
        foreach (ImportProblem problem in problems)
        {
            WriteError(Error(new InvalidDataException(
                    $"Cannot read the image '{problem.Path}': {problem.Reason} The other images were imported; " +
                    "remove or replace this file.", problem.Exception),
                ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, problem.Path));
        }
        int[] counts = dataSet.CountPerClass();
        WriteVerbose($"Imported {dataSet.Count:N0} images in {dataSet.ClassCount} classes " +
                     $"({string.Join(", ", dataSet.ClassNames.Select((name, i) => $"{name}: {counts[i]}"))})" +
                     (problems.Count > 0 ? $"; {problems.Count} file(s) could not be read." : "."));
        int smallest = counts.Length == 0 ? 0 : counts.Min();
        if (smallest > 0 && counts.Max() > 10 * smallest)
        {
            WriteWarning($"The classes are imbalanced: {counts.Max()} images in the largest class, {smallest} in the " +
                         "smallest. Watch balanced accuracy and consider class weights or more images.");
        }
        WriteObject(dataSet);
    }
}
