namespace DlClassifier.Engine.Data;

/// <summary>A file the importer could not take, and why; the rest of the import goes on.</summary>
public sealed record ImportProblem(string Path, string Reason, Exception? Exception);

/// <summary>A file or folder the importer passed over on purpose (operating-system clutter, not an image).</summary>
public sealed record SkippedFile(string Path, string Reason);
