using System.Management.Automation;
using DlClassifier.Engine.Devices;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Lists the devices the engine can compute on: the CPU and each CUDA device.</summary>
[Cmdlet(VerbsCommon.Get, "DlDevice")]
[OutputType(typeof(DlDevice))]
public sealed class GetDlDeviceCommand : DlCmdlet
{
    protected override void EndProcessing() => WriteObject(DeviceManager.List(), enumerateCollection: true);
}
