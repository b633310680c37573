namespace DlClassifier.Bench;

/// <summary>
/// Where benchmarks keep their data and outputs: bench/output (git-ignored) and the reference scripts.
/// </summary>
internal static class BenchPaths
{
    /// <summary>The repository root, found from the working folder or the program's folder.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Output => Path.Combine(RepositoryRoot, "bench", "output");

    public static string PngRoot => Path.Combine(Output, "fashion-mnist-png");

    /// <summary>The shared PyTorch reference script, beside the repository.</summary>
    public static string SharedReference =>
        Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "reference", "pytorch_fmnist_bench.py"));

    public static string LocalReference(string script) => Path.Combine(RepositoryRoot, "bench", "reference", script);

    /// <summary>Debian's OpenBLAS unpacked (not installed) under bench/output/openblas, when present.</summary>
    public static string? OpenBlasLibraryFolder()
    {
        string folder = Path.Combine(Output, "openblas", "usr", "lib", "x86_64-linux-gnu", "openblas-openmp");
        return Directory.Exists(folder) ? folder : null;
    }

    private static string FindRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "DlClassifier.psd1")))
                {
                    return folder.FullName;
                }
            }
        }
        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
