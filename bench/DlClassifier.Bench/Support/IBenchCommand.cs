namespace DlClassifier.Bench;

/// <summary>One benchmark: a name to call it by, a line of help, and the run.</summary>
internal interface IBenchCommand
{
    string Name { get; }

    string Summary { get; }

    /// <returns>The process exit code: 0 when it ran (targets missed are printed, not failed).</returns>
    int Run(BenchArgs args);
}
