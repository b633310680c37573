using System.Globalization;
using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Imports labelled images into a data set: from folders laid out as one folder per class, from a CSV or TSV
/// list of files and classes, or from files of one class piped in.
/// </summary>
[Cmdlet(VerbsData.Import, "DlDataSet", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DlDataSet))]
public sealed class ImportDlDataSetCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string ListSet = "List";
    private const string FileSet = "File";

    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparer.OrdinalIgnoreCase
        : StringComparer.Ordinal;

    private readonly List<string> sources = new();

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

    /// <summary>
    /// A CSV or TSV file with a header line and the columns path and class, and optionally group and split.
    /// Relative paths in it are resolved against its folder.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    public string ListPath { get; set; } = "";

    /// <summary>
    /// Image files or folders of the class named by ClassName, as objects from Get-ChildItem or Get-Item, or as
    /// paths (wildcards expanded). A folder stands for every image below it.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FileSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>The class of every image given through InputObject.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    public string ClassName { get; set; } = "";

    /// <summary>Leave out classes without a readable image (with a warning) instead of failing.</summary>
    [Parameter]
    public SwitchParameter SkipEmptyClass { get; set; }

    /// <summary>
    /// The largest width × height an image may declare in its header; larger images are refused before they
    /// are decoded, which guards against files crafted to exhaust memory. The default is 100,000,000.
    /// </summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaxPixels { get; set; } = ImageReader.DefaultMaxPixels;

    protected override void BeginProcessing()
    {
        if (ParameterSetName == FileSet && string.IsNullOrWhiteSpace(ClassName))
        {
            Terminate(new ArgumentException("The class name is blank. Give the name of the class the files show."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, ClassName);
        }
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ListSet:
                AddList();
                break;
            case FileSet:
                foreach (PSObject item in InputObject)
                {
                    AddInput(item);
                }
                break;
            default:
                AddRoots();
                break;
        }
    }

    protected override void EndProcessing()
    {
        if (sources.Count == 0)
        {
            return;
        }
        var problems = new List<ImportProblem>();
        DlDataSet dataSet;
        try
        {
            dataSet = RunEngine("Importing images", (reporter, token) =>
            {
                var options = new DataSetImportOptions
                {
                    SkipEmptyClasses = SkipEmptyClass,
                    MaxPixels = MaxPixels,
                    OnProblem = problem => { lock (problems) { problems.Add(problem); } },
                    OnSkipped = file => reporter.Verbose($"Skipped '{file.Path}': {file.Reason}."),
                    OnWarning = reporter.Warning,
                    OnProgress = (done, total) => reporter.Progress(new Engine.ProgressUpdate(0, "Importing images",
                        $"{done} of {total} files", total == 0 ? 1 : (double)done / total, null)),
                };
                return ParameterSetName switch
                {
                    ListSet => DataSetImporter.ImportList(sources[0], options),
                    FileSet => DataSetImporter.ImportFiles(sources, ClassName, options),
                    _ => DataSetImporter.ImportFolders(sources, options),
                };
            });
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            WriteProblems(problems);
            (string id, ErrorCategory category) = e switch
            {
                DirectoryNotFoundException or FileNotFoundException => (ErrorIds.PathNotFound,
                    ErrorCategory.ObjectNotFound),
                InvalidDataException => (ErrorIds.DataSetInvalid, ErrorCategory.InvalidData),
                _ => (ErrorIds.DataSetInvalid, ErrorCategory.ReadError),
            };
            Terminate(e, id, category, sources.Count == 1 ? sources[0] : sources.ToArray());
            return;
        }

        WriteProblems(problems);
        WriteSummary(dataSet, problems.Count);
        WriteObject(dataSet);
    }

    private void AddRoots()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string root in ResolveExisting(literal ? LiteralPath : Path, literal))
        {
            if (Directory.Exists(root))
            {
                // A root named twice (or by a path and a wildcard) would import every image twice, and the
                // split could then put one image into training and test at once.
                string folder = System.IO.Path.TrimEndingDirectorySeparator(root);
                if (!sources.Contains(folder, PathComparer))
                {
                    sources.Add(folder);
                }
            }
            else
            {
                WriteError(Error(new ArgumentException(
                        $"'{root}' is a file. Give the folder that holds one folder per class, pipe files with " +
                        "-ClassName, or give a list with -ListPath."),
                    ErrorIds.DataSetInvalid, ErrorCategory.InvalidArgument, root));
            }
        }
    }

    private void AddList()
    {
        List<string> resolved = ResolveExisting(new[] { ListPath }, literal: false);
        if (resolved.Count > 1)
        {
            Terminate(new ArgumentException(
                    $"'{ListPath}' matches {resolved.Count} files. Give one list; join lists into one first."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, ListPath);
        }
        if (resolved.Count == 1 && Directory.Exists(resolved[0]))
        {
            Terminate(new ArgumentException(
                    $"'{resolved[0]}' is a folder. Give a CSV or TSV list file, or import the folder with -Path."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, resolved[0]);
        }
        sources.AddRange(resolved);
    }

    private void AddInput(PSObject item)
    {
        switch (item.BaseObject)
        {
            case FileSystemInfo info:
                sources.Add(info.FullName);
                break;
            case string path:
                sources.AddRange(ResolveExisting(new[] { path }, literal: false));
                break;
            default:
                WriteError(Error(new ArgumentException(
                        $"A {item.BaseObject.GetType().Name} is not an image file. Give files or folders (as from " +
                        "Get-ChildItem) or their paths."),
                    ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, item.BaseObject));
                break;
        }
    }

    /// <summary>One error per file that could not be imported, with an id that says what went wrong.</summary>
    private void WriteProblems(IEnumerable<ImportProblem> problems)
    {
        foreach (ImportProblem problem in problems)
        {
            (string id, ErrorCategory category, string advice) = problem.Exception switch
            {
                ImageTooLargeException => (ErrorIds.ImageTooLarge, ErrorCategory.LimitsExceeded,
                    "If the image is genuine, raise -MaxPixels."),
                FileNotFoundException or DirectoryNotFoundException => (ErrorIds.PathNotFound,
                    ErrorCategory.ObjectNotFound, "Correct the path or remove the entry."),
                InvalidDataException => (ErrorIds.ImageUnreadable, ErrorCategory.InvalidData,
                    "Remove or replace this file."),
                _ => (ErrorIds.ImageUnreadable, ErrorCategory.ReadError, "Check that the file can be read."),
            };
            Exception exception = problem.Exception ?? new InvalidDataException(problem.Reason);
            WriteError(new ErrorRecord(exception, id, category, problem.Path)
            {
                ErrorDetails = new ErrorDetails($"{problem.Reason} The other images were imported. {advice}"),
            });
        }
    }

    private void WriteSummary(DlDataSet dataSet, int unreadable)
    {
        DlImportReport report = dataSet.ImportReport!;
        int[] counts = dataSet.CountPerClass();
        string perClass = string.Join(", ", dataSet.ClassNames.Select((name, i) => $"{name}: {counts[i]}"));
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"Imported {dataSet.Count:N0} images in {dataSet.ClassCount} classes ({perClass}); " +
            $"{unreadable} file(s) could not be read, {report.SkippedFiles.Length} skipped."));

        if (report.DuplicateGroups.Length > 0)
        {
            WriteVerbose($"Found {report.DuplicateGroups.Length} group(s) of byte-identical files.");
            foreach (DuplicateGroup group in report.DuplicateGroups)
            {
                WriteVerbose($"Byte-identical: {group}.");
            }
        }

        int smallest = counts.Length == 0 ? 0 : counts.Min();
        if (smallest > 0 && counts.Max() > 10 * smallest)
        {
            WriteWarning($"The classes are imbalanced: {counts.Max()} images in the largest class, {smallest} in the " +
                         "smallest. Watch balanced accuracy and consider class weights or more images.");
        }
    }
}
