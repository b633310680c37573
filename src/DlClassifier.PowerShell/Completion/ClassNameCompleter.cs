using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;

namespace DlClassifier.PowerShell;

/// <summary>
/// Completes class names from the classifier, evaluation or data set already bound to the command, or
/// held in a variable the command line names.
/// </summary>
public sealed class ClassNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (object? value in fakeBoundParameters.Values)
        {
            AddNames(names, value is PSObject wrapped ? wrapped.BaseObject : value);
        }
        string prefix = (wordToComplete ?? "").Trim('\'', '"');
        return names
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n,
                CompletionResultType.ParameterValue, n));
    }

    private static void AddNames(SortedSet<string> names, object? value)
    {
        string[]? found = value switch
        {
            Engine.DlClassifier classifier => classifier.ClassNames,
            DlEvaluation evaluation => evaluation.ClassNames,
            DlDataSet dataSet => dataSet.ClassNames,
            _ => null,
        };
        if (found is not null)
        {
            names.UnionWith(found);
        }
    }
}
