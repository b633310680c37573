using System.Management.Automation;
using DlClassifier.Engine.Training;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Gets the hyperparameters a classifier trains with.</summary>
[Cmdlet(VerbsCommon.Get, "DlClassifierParam")]
[OutputType(typeof(DlClassifierParam))]
public sealed class GetDlClassifierParamCommand : DlCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    /// <summary>Returns a copy: changing it does not change the classifier (use Set-DlClassifierParam).</summary>
    protected override void ProcessRecord() => WriteObject(Classifier.Parameters.Clone());
}
