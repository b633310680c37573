using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Inference;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Classifies image files with a trained classifier, batch by batch as they arrive.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "DlClassifier", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DlPrediction))]
public sealed class InvokeDlClassifierCommand : DlCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly List<string> pending = new();
    private int classified;

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

    /// <summary>How many images are classified together; predictions do not depend on it.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int BatchSize { get; set; } = ImageClassifier.DefaultBatchSize;

    /// <summary>
    /// A prediction whose confidence is below this is marked uncertain: IsUncertain is true and ClassName is
    /// empty, while TopClass keeps the best guess.
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double RejectBelow { get; set; }

    /// <summary>
    /// The largest width × height an image may declare in its header; larger images are refused before they
    /// are decoded, as Import-DlDataSet refuses them. The default is 100,000,000.
    /// </summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaxPixels { get; set; } = ImageReader.DefaultMaxPixels;

    protected override void BeginProcessing()
    {
        if (Classifier.PredictsAtRandom)
        {
            WriteWarning("The classifier has not been trained; its predictions are random. " +
                         "Train it with Start-DlTraining.");
        }
    }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        pending.AddRange(ResolveImageFiles(literal ? LiteralPath : Path, literal));
        if (pending.Count >= BatchSize)
        {
            Flush();
        }
    }

    protected override void EndProcessing()
    {
        Flush();
        WriteProgress(new ProgressRecord(0x1D1F, "Classifying images", "Done")
        {
            RecordType = ProgressRecordType.Completed,
        });
    }

    private void Flush()
    {
        if (pending.Count == 0)
        {
            return;
        }
        string[] batch = pending.ToArray();
        pending.Clear();
        IReadOnlyList<DlPrediction> predictions;
        try
        {
            predictions = ImageClassifier.Predict(Classifier, batch, Cancellation, RejectBelow, MaxPixels);
        }
        catch (Exception e) when (e is InvalidDataException or ImageTooLargeException)
        {
            // One unreadable file must not cost the others their predictions: classify them one by one.
            predictions = batch.SelectMany(PredictOne).ToArray();
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        classified += predictions.Count;
        WriteProgress(new ProgressRecord(0x1D1F, "Classifying images", $"{classified} images classified"));
        WriteObject(predictions, enumerateCollection: true);
    }

    private IEnumerable<DlPrediction> PredictOne(string path)
    {
        try
        {
            return ImageClassifier.Predict(Classifier, new[] { path }, Cancellation, RejectBelow, MaxPixels);
        }
        catch (InvalidDataException e)
        {
            WriteError(Error(e, ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, path));
            return Array.Empty<DlPrediction>();
        }
        catch (ImageTooLargeException e)
        {
            WriteError(TooLargeError(e));
            return Array.Empty<DlPrediction>();
        }
    }
}
