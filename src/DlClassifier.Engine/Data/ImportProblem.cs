namespace DlClassifier.Engine.Data;

/// <summary>A file the importer could not take, and why; the rest of the import goes on.</summary>
/// <param name="Path">The full path of the file.</param>
/// <param name="Reason">Why it was not taken, as a sentence that names the file.</param>
/// <param name="Exception">The failure itself, kept for its type and stack.</param>
public sealed record ImportProblem(string Path, string Reason, Exception? Exception)
{
    public override string ToString() => Reason;
}

/// <summary>A file or folder the importer passed over on purpose (operating-system clutter, not an image).</summary>
public sealed record SkippedFile(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
