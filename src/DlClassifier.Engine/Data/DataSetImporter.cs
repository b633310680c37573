using System.Collections.Concurrent;

namespace DlClassifier.Engine.Data;

/// <summary>Options of <see cref="DataSetImporter.ImportFolders"/>.</summary>
public sealed class FolderImportOptions
{
    /// <summary>Leave out class folders that hold no image instead of failing.</summary>
    public bool SkipEmptyClasses { get; init; }

    /// <summary>Called once per file that could not be read; the import goes on without it.</summary>
    public Action<ImportProblem>? OnProblem { get; init; }

    /// <summary>Called once per file or folder passed over as clutter.</summary>
    public Action<SkippedFile>? OnSkipped { get; init; }

    /// <summary>Called with the name of each class left out because it has no image.</summary>
    public Action<string>? OnEmptyClassSkipped { get; init; }

    /// <summary>Called with (files done, files in all) while images are read.</summary>
    public Action<int, int>? OnProgress { get; init; }

    /// <summary>How many files are read at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>Builds a data set from folders laid out as one folder per class.</summary>
public static class DataSetImporter
{
    private static readonly HashSet<string> JunkFileNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Thumbs.db", "desktop.ini", ".DS_Store",
    };

    /// <summary>
    /// Imports every image below each root: the first folder level names the class, images are found
    /// at any depth below it. Classes of the same name under several roots are merged.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">A root does not exist.</exception>
    /// <exception cref="InvalidDataException">A root has no class folder, or a class folder has no image.</exception>
    public static DlDataSet ImportFolders(IReadOnlyList<string> roots, FolderImportOptions? options = null)
    {
        options ??= new FolderImportOptions();
        var filesByClass = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);

        foreach (string root in roots)
        {
            if (!Directory.Exists(root))
            {
                throw new DirectoryNotFoundException($"The folder '{root}' does not exist.");
            }
            string[] classFolders = Directory.GetDirectories(root)
                .Where(folder => !IsJunk(folder, options))
                .OrderBy(folder => folder, StringComparer.Ordinal)
                .ToArray();
            if (classFolders.Length == 0)
            {
                throw new InvalidDataException(
                    $"The folder '{root}' has no class folders. Put the images of each class in a folder of its own " +
                    "below it, named for the class.");
            }
            foreach (string classFolder in classFolders)
            {
                string className = System.IO.Path.GetFileName(classFolder);
                if (!filesByClass.TryGetValue(className, out List<string>? files))
                {
                    files = new List<string>();
                    filesByClass.Add(className, files);
                }
                files.AddRange(ImageFilesBelow(classFolder, options));
            }
        }

        foreach (KeyValuePair<string, List<string>> entry in filesByClass.Where(e => e.Value.Count == 0).ToArray())
        {
            if (!options.SkipEmptyClasses)
            {
                throw new InvalidDataException(
                    $"The class folder '{entry.Key}' holds no image. Add images to it, remove it, or leave empty " +
                    "classes out.");
            }
            filesByClass.Remove(entry.Key);
            options.OnEmptyClassSkipped?.Invoke(entry.Key);
        }

        string[] classNames = filesByClass.Keys.ToArray();
        var candidates = new List<(string Path, int ClassIndex)>();
        for (int i = 0; i < classNames.Length; i++)
        {
            candidates.AddRange(filesByClass[classNames[i]].Select(path => (path, i)));
        }

        DlSample?[] samples = ReadShapes(candidates, classNames, options);
        return new DlDataSet(classNames, samples.OfType<DlSample>().ToArray(), roots.ToArray());
    }

    private static DlSample?[] ReadShapes(
        List<(string Path, int ClassIndex)> candidates, string[] classNames, FolderImportOptions options)
    {
        var samples = new DlSample?[candidates.Count];
        var problems = new ConcurrentQueue<ImportProblem>();
        int done = 0;
        Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, i =>
        {
            (string path, int classIndex) = candidates[i];
            try
            {
                ImageFacts facts = ImageReader.Inspect(path);
                samples[i] = new DlSample(path, classNames[classIndex], classIndex, width: facts.Shape.Width,
                    height: facts.Shape.Height, channels: facts.Shape.Channels, contentHash: facts.ContentHash);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                problems.Enqueue(new ImportProblem(path, e.Message, e));
            }
            int count = Interlocked.Increment(ref done);
            if (count % 256 == 0 && options.OnProgress is not null)
            {
                lock (options)
                {
                    options.OnProgress(count, candidates.Count);
                }
            }
        });
        options.OnProgress?.Invoke(candidates.Count, candidates.Count);

        foreach (ImportProblem problem in problems.OrderBy(p => p.Path, StringComparer.Ordinal))
        {
            options.OnProblem?.Invoke(problem);
        }
        return samples;
    }

    private static IEnumerable<string> ImageFilesBelow(string folder, FolderImportOptions options)
    {
        var found = new List<string>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            foreach (string file in Directory.GetFiles(current).OrderBy(f => f, StringComparer.Ordinal))
            {
                if (IsJunk(file, options))
                {
                    continue;
                }
                if (ImageReader.HasImageExtension(file))
                {
                    found.Add(file);
                }
                else
                {
                    options.OnSkipped?.Invoke(new SkippedFile(file, "not an image file name ending"));
                }
            }
            foreach (string child in Directory.GetDirectories(current).OrderByDescending(d => d, StringComparer.Ordinal))
            {
                if (!IsJunk(child, options))
                {
                    pending.Push(child);
                }
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static bool IsJunk(string path, FolderImportOptions options)
    {
        string name = System.IO.Path.GetFileName(path);
        string? reason = null;
        if (name.StartsWith("._", StringComparison.Ordinal))
        {
            reason = "AppleDouble metadata file";
        }
        else if (name.StartsWith('.'))
        {
            reason = "hidden file or folder";
        }
        else if (JunkFileNames.Contains(name))
        {
            reason = "operating-system metadata file";
        }
        else if ((File.GetAttributes(path) & FileAttributes.Hidden) != 0)
        {
            reason = "hidden file or folder";
        }
        if (reason is null)
        {
            return false;
        }
        options.OnSkipped?.Invoke(new SkippedFile(path, reason));
        return true;
    }
}
