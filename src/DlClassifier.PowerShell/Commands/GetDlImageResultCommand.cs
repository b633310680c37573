using System.Management.Automation;
using DlClassifier.Engine.Evaluation;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Gets the per-image results of an evaluation, filtered by class and correctness, hardest first, or the
/// images whose label the classifier confidently contradicts.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DlImageResult", DefaultParameterSetName = AllSet)]
[OutputType(typeof(DlImageResult))]
public sealed class GetDlImageResultCommand : DlCmdlet
{
    private const string AllSet = "All";
    private const string SuspectedSet = "SuspectedLabelError";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlEvaluation Evaluation { get; set; } = null!;

    /// <summary>Only images the classifier got wrong.</summary>
    [Parameter]
    public SwitchParameter Misclassified { get; set; }

    /// <summary>Only images of these true classes.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ClassNameCompleter))]
    public string[]? TrueClass { get; set; }

    /// <summary>Only images predicted as these classes.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ClassNameCompleter))]
    public string[]? PredictedClass { get; set; }

    /// <summary>Only images predicted as another class with <see cref="MinConfidence"/> or more.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SuspectedSet)]
    public SwitchParameter SuspectedLabelError { get; set; }

    /// <summary>The least confidence in the other class that makes a label suspect.</summary>
    [Parameter(ParameterSetName = SuspectedSet)]
    [ValidateRange(0.0, 1.0)]
    public double MinConfidence { get; set; } = 0.9;

    /// <summary>At most this many images, the ones with the highest loss.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; } = int.MaxValue;

    protected override void ProcessRecord()
    {
        foreach (string name in (TrueClass ?? Array.Empty<string>()).Concat(PredictedClass ?? Array.Empty<string>()))
        {
            if (!Evaluation.ClassNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                WriteError(Error(new ArgumentException(
                        $"'{name}' is not one of the classes ({string.Join(", ", Evaluation.ClassNames)})."),
                    ErrorIds.ClassUnknown, ErrorCategory.InvalidArgument, name));
            }
        }
        // Suspects come most confident first, the order in which a reviewer should look at them; any other
        // selection comes highest loss first.
        IEnumerable<DlImageResult> selected = SuspectedLabelError
            ? Evaluation.SuspectedLabelErrors(MinConfidence)
            : Evaluation.Images.OrderByDescending(r => r.Loss);
        IEnumerable<DlImageResult> results = selected
            .Where(r => !Misclassified || !r.IsCorrect)
            .Where(r => TrueClass is null || TrueClass.Contains(r.TrueClass, StringComparer.OrdinalIgnoreCase))
            .Where(r => PredictedClass is null
                        || PredictedClass.Contains(r.PredictedClass, StringComparer.OrdinalIgnoreCase))
            .Take(First);
        WriteObject(results, enumerateCollection: true);
    }
}
