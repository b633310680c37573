using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Training;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Shows what the classifier's augmentation does to training images: a grid PNG of augmented images with the
/// changes written under each, and one object per image describing them.
/// </summary>
[Cmdlet(VerbsCommon.Show, "DlAugmentation")]
[OutputType(typeof(DlAugmentationSample))]
public sealed class ShowDlAugmentationCommand : DlCmdlet
{
    /// <summary>Gives the input size and the augmentation parameters (Set-DlClassifierParam).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    /// <summary>The images are taken from its training split, or from all of it when it is not split.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>How many augmented images to show.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int Count { get; set; } = 16;

    /// <summary>The PNG to write, relative to the current location; replaced if it exists.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The PNG to write, taken exactly as written; give this or -Path (default augmentation.png).</summary>
    [Parameter]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    /// <summary>Chooses the images and their changes; by default the classifier's seed.</summary>
    [Parameter]
    public int Seed { get; set; }

    protected override void ProcessRecord()
    {
        if (Path is not null && LiteralPath is not null)
        {
            Terminate(new ArgumentException("Give the PNG to write with either -Path or -LiteralPath, not both."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, LiteralPath);
        }
        string output = ResolveOutputPath(Path ?? LiteralPath ?? "augmentation.png");
        int seed = MyInvocation.BoundParameters.ContainsKey(nameof(Seed)) ? Seed : Classifier.Parameters.Seed;
        IReadOnlyList<DlAugmentationSample> samples = Array.Empty<DlAugmentationSample>();
        try
        {
            samples = RunEngine("Augmenting images",
                (_, cancellation) => AugmentationPreview.Write(Classifier, DataSet, Count, seed, output, cancellation));
        }
        catch (InvalidOperationException e)
        {
            Terminate(e, ErrorIds.DataSetInvalid, ErrorCategory.InvalidData, DataSet);
        }
        catch (InvalidDataException e)
        {
            Terminate(e, ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, DataSet);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Writing creates missing folders, so a missing file or folder is an image that has gone.
            Terminate(e, ErrorIds.ImageUnreadable, ErrorCategory.ReadError, DataSet);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, output);
        }
        WriteVerbose($"Wrote {samples.Count} augmented images ({samples.Count(s => s.Augmented)} changed) to " +
                     $"{output} (seed {seed}).");
        WriteObject(samples, enumerateCollection: true);
    }
}
