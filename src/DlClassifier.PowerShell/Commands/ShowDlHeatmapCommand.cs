using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Explanations;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Shows which regions of images drove the classifier's decision, as Grad-CAM or occlusion overlay PNGs.
/// </summary>
[Cmdlet(VerbsCommon.Show, "DlHeatmap", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DlHeatmap))]
public sealed class ShowDlHeatmapCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly HashSet<string> usedNames = new(StringComparer.OrdinalIgnoreCase);
    private string? outputFolder;
    private int done;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    /// <summary>Image files; wildcards are expanded. Strings and objects with a Path property pipe in.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet, ValueFromPipeline = true,
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

    /// <summary>The folder the overlay PNGs are written to; created if missing.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string OutputDirectory { get; set; } = "";

    /// <summary>The class to explain; by default, the predicted class of each image.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ClassNameCompleter))]
    public string? ClassName { get; set; }

    /// <summary>How the map is made: Grad-CAM (one pass) or occlusion (one pass per window).</summary>
    [Parameter]
    public HeatmapMethod Method { get; set; } = HeatmapMethod.GradCam;

    /// <summary>The occlusion window side in network input pixels; default a quarter of the side.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? WindowSize { get; set; }

    /// <summary>The step between occlusion windows in pixels; default half the window.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Stride { get; set; }

    /// <summary>
    /// The largest width × height an image may declare in its header; larger images are refused before they
    /// are decoded, as Import-DlDataSet refuses them. The default is 100,000,000.
    /// </summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaxPixels { get; set; } = ImageReader.DefaultMaxPixels;

    protected override void BeginProcessing()
    {
        if (Method != HeatmapMethod.Occlusion && (WindowSize is not null || Stride is not null))
        {
            Terminate(new ArgumentException("-WindowSize and -Stride apply to -Method Occlusion only."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, WindowSize ?? Stride);
        }
        // The class is checked first, so that a refused call leaves no folder behind.
        if (ClassName is not null && !Classifier.ClassNames.Contains(ClassName, StringComparer.Ordinal))
        {
            Terminate(new ArgumentException(
                    $"'{ClassName}' is not one of the classes ({string.Join(", ", Classifier.ClassNames)})."),
                ErrorIds.ClassUnknown, ErrorCategory.InvalidArgument, ClassName);
        }
        outputFolder = ResolveOutputPath(OutputDirectory);
        try
        {
            Directory.CreateDirectory(outputFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, outputFolder);
        }
    }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string file in ResolveImageFiles(literal ? LiteralPath : Path, literal))
        {
            if (Stopping)
            {
                return;
            }
            string output = System.IO.Path.Combine(outputFolder!, UniqueName(file));
            WriteProgress(new ProgressRecord(0x1D1E, "Drawing heatmaps",
                $"{++done}: {System.IO.Path.GetFileName(file)} ({Method})"));
            try
            {
                DlHeatmap heatmap = HeatmapExplainer.Explain(Classifier, file, ClassName, output, Method, WindowSize,
                    Stride, Cancellation, MaxPixels);
                if (heatmap.IsUniform)
                {
                    WriteWarning($"The heat map of '{file}' is uniform: no region counted for " +
                                 $"'{heatmap.TargetClass}' " +
                                 "more than another (an image of one grey level, or a network whose last feature " +
                                 "map is a single pixel with Grad-CAM). Its map is all zero.");
                }
                WriteObject(heatmap);
            }
            catch (OperationCanceledException) when (Stopping)
            {
                throw new PipelineStoppedException();
            }
            catch (InvalidDataException e)
            {
                WriteError(Error(e, ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, file));
            }
            catch (ImageTooLargeException e)
            {
                WriteError(TooLargeError(e));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(Error(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, output));
            }
        }
    }

    protected override void EndProcessing() =>
        WriteProgress(new ProgressRecord(0x1D1E, "Drawing heatmaps", "Done")
        {
            RecordType = ProgressRecordType.Completed,
        });

    /// <summary>name_heatmap.png, with _2, _3 … when another input of this call had the same file name.</summary>
    private string UniqueName(string file)
    {
        string stem = System.IO.Path.GetFileNameWithoutExtension(file) + "_heatmap";
        string name = stem + ".png";
        for (int n = 2; !usedNames.Add(name); n++)
        {
            name = $"{stem}_{n}.png";
        }
        return name;
    }
}
