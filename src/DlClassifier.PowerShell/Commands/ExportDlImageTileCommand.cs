using System.Collections;
using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Plots;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Writes the images of evaluation results (or any objects with a path) into one tiled PNG, each captioned
/// with its true and predicted class and the confidence.
/// </summary>
[Cmdlet(VerbsData.Export, "DlImageTile", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportDlImageTileCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly List<(float[] Image, int Width, int Height, int Channels, string Caption)> tiles = new();

    /// <summary>Image results, file objects, or path strings; each becomes one tile.</summary>
    /// <remarks>Named, as in Export-Csv: input comes from the pipeline, and the file takes position 0.</remarks>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>The PNG file to write, relative to the current location.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>Tiles per row.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int Columns { get; set; } = 8;

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the saved file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        string target = Target();
        RefuseFolderTarget(target, "PNG file");
    }

    protected override void ProcessRecord()
    {
        foreach (PSObject item in InputObject.SelectMany(Flatten))
        {
            if (Stopping)
            {
                return;
            }
            (string? file, string caption) = Describe(item);
            if (file is null)
            {
                WriteError(Error(new ArgumentException(
                        $"'{item}' has no Path or FullName property. Pipe image results, files or paths."),
                    ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, item));
                continue;
            }
            try
            {
                tiles.Add(ImageResultTiles.Read(file, caption));
            }
            catch (InvalidDataException e)
            {
                WriteError(Error(e, ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, file));
            }
            catch (ImageTooLargeException e)
            {
                WriteError(Error(e, ErrorIds.ImageTooLarge, ErrorCategory.LimitsExceeded, file));
            }
        }
    }

    protected override void EndProcessing()
    {
        string target = Target();
        if (tiles.Count == 0)
        {
            WriteError(Error(new InvalidOperationException($"No image could be read, so '{target}' was not written."),
                ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, target));
            return;
        }
        // -WhatIf answers before the existence check, so it tells what would be written and writes nothing.
        if (!ShouldProcess(target, $"Write a tile of {tiles.Count} images"))
        {
            return;
        }
        RefuseExistingTarget(target, Force);
        try
        {
            ImageTile.Write(target, tiles, Columns);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, target);
        }
        WriteVerbose($"Wrote {tiles.Count} images to '{target}'.");
        if (PassThru)
        {
            WriteObject(new FileInfo(target));
        }
    }

    private string Target() => ResolveOutputPath(ParameterSetName == LiteralPathSet ? LiteralPath : Path);

    /// <summary>An array given by name (-InputObject $results) holds the items; a piped item is one.</summary>
    private static IEnumerable<PSObject> Flatten(PSObject item) =>
        item.BaseObject is IEnumerable many and not string
            ? many.Cast<object?>().Where(o => o is not null).Select(PSObject.AsPSObject)
            : new[] { item };

    /// <summary>The file of an item and its caption: the verdict for results, the file name otherwise.</summary>
    private (string? File, string Caption) Describe(PSObject item)
    {
        string? path = item.BaseObject switch
        {
            string text => text,
            FileSystemInfo info => info.FullName,
            _ => (item.Properties["Path"]?.Value ?? item.Properties["FullName"]?.Value)?.ToString(),
        };
        if (string.IsNullOrEmpty(path))
        {
            return (null, "");
        }
        string file = ResolveOutputPath(path);
        if (item.BaseObject is DlImageResult result)
        {
            return (file, ImageResultTiles.Caption(result.TrueClass, result.PredictedClass, result.Confidence));
        }
        object? trueClass = item.Properties["TrueClass"]?.Value;
        object? predicted = item.Properties["PredictedClass"]?.Value;
        object? confidence = item.Properties["Confidence"]?.Value;
        if (trueClass is not null && predicted is not null
            && LanguagePrimitives.TryConvertTo(confidence, out double value))
        {
            return (file, ImageResultTiles.Caption($"{trueClass}", $"{predicted}", value));
        }
        return (file, System.IO.Path.GetFileName(file));
    }
}
