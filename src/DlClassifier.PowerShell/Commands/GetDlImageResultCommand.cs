using System.Management.Automation;
using DlClassifier.Engine.Evaluation;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Gets the per-image results of an evaluation, filtered by class and correctness, hardest first.</summary>
[Cmdlet(VerbsCommon.Get, "DlImageResult")]
[OutputType(typeof(DlImageResult))]
public sealed class GetDlImageResultCommand : DlCmdlet
{
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
        IEnumerable<DlImageResult> results = Evaluation.Images
            .Where(r => !Misclassified || !r.IsCorrect)
            .Where(r => TrueClass is null || TrueClass.Contains(r.TrueClass, StringComparer.OrdinalIgnoreCase))
            .Where(r => PredictedClass is null || PredictedClass.Contains(r.PredictedClass, StringComparer.OrdinalIgnoreCase))
            .OrderByDescending(r => r.Loss)
            .Take(First);
        WriteObject(results, enumerateCollection: true);
    }
}
