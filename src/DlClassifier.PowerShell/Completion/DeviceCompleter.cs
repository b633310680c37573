using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace DlClassifier.PowerShell;

/// <summary>Completes device names without loading libtorch: the common requests, filtered by what was typed.</summary>
public sealed class DeviceCompleter : IArgumentCompleter
{
    private static readonly string[] Devices = { "auto", "cpu", "cuda", "cuda:0", "cuda:1" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Devices
            .Where(d => d.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(d => new CompletionResult(d, d, CompletionResultType.ParameterValue, d));
}
