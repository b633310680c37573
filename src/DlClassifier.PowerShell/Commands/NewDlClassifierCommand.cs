using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Models;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Creates an untrained classifier for the classes and image size of a data set.</summary>
[Cmdlet(VerbsCommon.New, "DlClassifier", DefaultParameterSetName = DataSetSet)]
[OutputType(typeof(Classifier))]
public sealed class NewDlClassifierCommand : DlCmdlet
{
    private const string DataSetSet = "DataSet";
    private const string ClassNameSet = "ClassName";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DataSetSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>The class names, in the order of the network's outputs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [ValidateNotNullOrEmpty]
    public string[] ClassName { get; set; } = Array.Empty<string>();

    [Parameter]
    public NetworkArchitecture Architecture { get; set; } = NetworkArchitecture.CompactCnn;

    /// <summary>The network's input width; from the data set's most common size unless given.</summary>
    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [ValidateRange(8, 4096)]
    public int ImageWidth { get; set; }

    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [ValidateRange(8, 4096)]
    public int ImageHeight { get; set; }

    /// <summary>1 for grey, 3 for colour; from the data set's most common channel count unless given.</summary>
    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [ValidateSet("1", "3")]
    public int ImageChannels { get; set; }

    protected override void ProcessRecord()
    {
        string[] classNames = ClassName;
        int width = ImageWidth, height = ImageHeight, channels = ImageChannels;
        if (ParameterSetName == DataSetSet)
        {
            if (DataSet.Count == 0)
            {
                Terminate(new ArgumentException("The data set holds no image."), ErrorIds.DataSetInvalid,
                    ErrorCategory.InvalidArgument, DataSet);
            }
            classNames = DataSet.ClassNames;
            ImageShape common = NetworkFactory.MostCommonShape(DataSet);
            width = width > 0 ? width : common.Width;
            height = height > 0 ? height : common.Height;
            channels = channels > 0 ? channels : common.Channels;
        }
        try
        {
            Classifier classifier = NetworkFactory.CreateClassifier(Architecture, classNames, width, height, channels);
            WriteVerbose($"Created a {Architecture} for {classNames.Length} classes at {width}×{height}×{channels} " +
                         $"with {classifier.ParameterCount:N0} parameters.");
            WriteObject(classifier);
        }
        catch (ArgumentException e)
        {
            Terminate(e, ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, e.ParamName);
        }
    }
}
