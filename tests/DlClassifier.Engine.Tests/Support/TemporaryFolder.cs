namespace DlClassifier.Engine.Tests.Support;

/// <summary>A new folder below the system's temporary folder, deleted with all it holds on dispose.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dl-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of a file or folder below this folder; parent folders are created.</summary>
    public string Combine(params string[] parts)
    {
        string full = System.IO.Path.Combine(new[] { Path }.Concat(parts).ToArray());
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
