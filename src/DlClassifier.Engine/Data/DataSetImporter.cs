using System.Collections.Concurrent;

namespace DlClassifier.Engine.Data;

/// <summary>Options of every import of <see cref="DataSetImporter"/>.</summary>
public sealed class DataSetImportOptions
{
    /// <summary>Leave out classes that end up without images (with a warning) instead of failing.</summary>
    public bool SkipEmptyClasses { get; init; }

    /// <summary>
    /// The largest width × height accepted, read from the header before any pixel is decoded; larger images
    /// are reported as problems. The default is <see cref="ImageReader.DefaultMaxPixels"/>.
    /// </summary>
    public long MaxPixels { get; init; } = ImageReader.DefaultMaxPixels;

    /// <summary>Called once per file that could not be read; the import goes on without it.</summary>
    public Action<ImportProblem>? OnProblem { get; init; }

    /// <summary>Called once per file or folder passed over as clutter or as another type of file.</summary>
    public Action<SkippedFile>? OnSkipped { get; init; }

    /// <summary>
    /// Called with each warning: a file whose content is another format than its name says, byte-identical files
    /// with different classes, a class left out for being empty, an unused list column.
    /// </summary>
    public Action<string>? OnWarning { get; init; }

    /// <summary>Called with (files done, files in all) while images are read.</summary>
    public Action<int, int>? OnProgress { get; init; }

    /// <summary>How many files are read at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// Builds a data set from folders laid out as one folder per class, from a list file, or from files of one
/// class. Whatever the source, class indices follow the ordinal order of the class names, every image is
/// checked and hashed, and the data set carries a <see cref="DlImportReport"/>.
/// </summary>
public static class DataSetImporter
{
    /// <summary>
    /// Imports every image below each root: the first folder level names the class, images are found
    /// at any depth below it. Classes of the same name under several roots are merged.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">A root does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// A root has no class folder, a class has no readable image (unless empty classes are skipped), or no image
    /// could be read at all.
    /// </exception>
    public static DlDataSet ImportFolders(IReadOnlyList<string> roots, DataSetImportOptions? options = null)
    {
        var log = new ImportLog(options ?? new DataSetImportOptions());
        var filesByClass = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (string root in roots)
        {
            if (!Directory.Exists(root))
            {
                throw new DirectoryNotFoundException($"The folder '{root}' does not exist.");
            }
            string[] classFolders = Directory.GetDirectories(root)
                .Where(folder => !log.SkipIfClutter(folder))
                .Order(StringComparer.Ordinal)
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
                files.AddRange(ImageFileFinder.Below(classFolder, log.Skip, log.Problem).Where(seen.Add));
            }
        }

        List<ImportCandidate> candidates = filesByClass
            .SelectMany(entry => entry.Value.Select(path =>
                new ImportCandidate(path, entry.Key, null, SampleSplit.None)))
            .ToList();
        return Build(candidates, filesByClass.Keys, "class folder", roots, roots, log);
    }

    /// <summary>
    /// Imports the images a list file names, with their classes and, where the list gives them, their groups
    /// and subsets (see <see cref="DataSetListFile"/> for the format). Samples keep the order of the list.
    /// Listed files are taken as named: clutter rules do not apply, and a file that is not an image is reported.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The list is malformed (the message names the line), a class has no readable image (unless empty classes
    /// are skipped), or no image could be read at all.
    /// </exception>
    public static DlDataSet ImportList(string listPath, DataSetImportOptions? options = null)
    {
        var log = new ImportLog(options ?? new DataSetImportOptions());
        IReadOnlyList<DataSetListEntry> entries = DataSetListFile.Read(listPath, log.Warn);

        List<ImportCandidate> candidates = entries
            .Select(e => new ImportCandidate(e.Path, e.ClassName, e.Group, e.Split, e.Line))
            .ToList();
        string[] classNames = entries.Select(e => e.ClassName).Distinct(StringComparer.Ordinal).ToArray();
        return Build(candidates, classNames, "class", new[] { System.IO.Path.GetFullPath(listPath) },
            Array.Empty<string>(), log);
    }

    /// <summary>
    /// Imports files of one class. A folder among <paramref name="paths"/> stands for every image at any depth
    /// below it. Clutter and files without an image name ending are skipped, as in a class folder; a path named
    /// twice is taken once.
    /// </summary>
    /// <exception cref="InvalidDataException">No image could be read.</exception>
    public static DlDataSet ImportFiles(IReadOnlyList<string> paths, string className,
        DataSetImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        var log = new ImportLog(options ?? new DataSetImportOptions());
        var files = new List<string>();

        foreach (string path in paths)
        {
            if (log.SkipIfClutter(path))
            {
                continue;
            }
            if (Directory.Exists(path))
            {
                files.AddRange(ImageFileFinder.Below(path, log.Skip, log.Problem));
            }
            else if (!File.Exists(path))
            {
                string reason = $"The file '{path}' does not exist.";
                log.Problem(new ImportProblem(path, reason, new FileNotFoundException(reason, path)));
            }
            else if (ImageReader.HasImageExtension(path))
            {
                files.Add(path);
            }
            else
            {
                log.Skip(new SkippedFile(path, "not an image file name ending"));
            }
        }

        List<ImportCandidate> candidates = files.Distinct(StringComparer.Ordinal)
            .Select(path => new ImportCandidate(path, className, null, SampleSplit.None))
            .ToList();
        return Build(candidates, new[] { className }, "class", paths, Array.Empty<string>(), log);
    }

    private static DlDataSet Build(List<ImportCandidate> candidates, IEnumerable<string> declaredClasses,
        string classKind, IReadOnlyList<string> sources, IReadOnlyList<string> roots, ImportLog log)
    {
        ImageFacts?[] facts = ReadAll(candidates, log);

        var readable = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (string name in declaredClasses)
        {
            readable.TryAdd(name, 0);
        }
        for (int i = 0; i < candidates.Count; i++)
        {
            if (facts[i] is not null)
            {
                readable[candidates[i].ClassName]++;
            }
        }
        LeaveOutEmptyClasses(readable, candidates, classKind, log);
        if (readable.Count == 0)
        {
            throw new InvalidDataException(
                $"No image could be imported from {string.Join(", ", sources.Select(s => $"'{s}'"))}.");
        }

        string[] classNames = readable.Keys.ToArray();
        var classIndex = classNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        var samples = new List<DlSample>();
        for (int i = 0; i < candidates.Count; i++)
        {
            if (facts[i] is not { } fact)
            {
                continue;
            }
            ImportCandidate candidate = candidates[i];
            if (!fact.FormatMatchesExtension)
            {
                log.Warn($"'{candidate.Path}' holds a {fact.Format} image although its name ends in " +
                         $"'{System.IO.Path.GetExtension(candidate.Path)}'; it was read as {fact.Format}.");
            }
            samples.Add(new DlSample(candidate.Path, candidate.ClassName, classIndex[candidate.ClassName],
                candidate.Split, candidate.Group, fact.Shape.Width, fact.Shape.Height, fact.Shape.Channels,
                fact.ContentHash));
        }

        DuplicateGroup[] duplicates = FindDuplicates(samples);
        foreach (DuplicateGroup group in duplicates.Where(g => g.HasConflictingClasses))
        {
            log.Warn($"These files are byte-identical but labelled with different classes: {group}. Keep one of " +
                     "them in the right class and remove the others.");
        }

        var report = new DlImportReport(sources, readable, log.Skipped, log.Problems, duplicates, log.Warnings);
        return new DlDataSet(classNames, samples, roots, report);
    }

    /// <summary>Inspects every candidate in parallel; a file that cannot be read is logged and left null.</summary>
    private static ImageFacts?[] ReadAll(List<ImportCandidate> candidates, ImportLog log)
    {
        DataSetImportOptions options = log.Options;
        var facts = new ImageFacts?[candidates.Count];
        var problems = new ConcurrentQueue<ImportProblem>();
        int done = 0;
        Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, i =>
        {
            ImportCandidate candidate = candidates[i];
            try
            {
                facts[i] = ImageReader.Inspect(candidate.Path, options.MaxPixels);
            }
            catch (Exception e) when (e is InvalidDataException or ImageTooLargeException or IOException
                                          or UnauthorizedAccessException)
            {
                string reason = e.Message;
                if (candidate.ListLine > 0)
                {
                    reason = $"{reason} The list names it on line {candidate.ListLine}.";
                }
                problems.Enqueue(new ImportProblem(candidate.Path, reason, e));
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
            log.Problem(problem);
        }
        return facts;
    }

    private static void LeaveOutEmptyClasses(SortedDictionary<string, int> readable,
        List<ImportCandidate> candidates, string classKind, ImportLog log)
    {
        var reasons = new List<string>();
        foreach (string name in readable.Where(entry => entry.Value == 0).Select(entry => entry.Key).ToArray())
        {
            int listed = candidates.Count(c => c.ClassName == name);
            reasons.Add(listed == 0
                ? $"The {classKind} '{name}' holds no image."
                : $"None of the {listed} images of the {classKind} '{name}' could be read.");
            readable.Remove(name);
        }
        if (reasons.Count == 0)
        {
            return;
        }
        if (!log.Options.SkipEmptyClasses)
        {
            throw new InvalidDataException(string.Join(" ", reasons) + " Add images, remove the class, or leave " +
                                           "empty classes out.");
        }
        foreach (string reason in reasons)
        {
            log.Warn($"{reason} It was left out.");
        }
    }

    private static DuplicateGroup[] FindDuplicates(List<DlSample> samples) =>
        samples.Where(s => s.ContentHash is not null)
            .GroupBy(s => s.ContentHash!, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .Select(group => new DuplicateGroup(group.Key, group.Select(s => s.Path).ToArray(),
                group.Select(s => s.ClassName).ToArray()))
            .ToArray();

    /// <summary>A file to import, with the labels its source gives it.</summary>
    /// <param name="Path">The full path of the file.</param>
    /// <param name="ClassName">The class its folder, list row or caller names.</param>
    /// <param name="Group">The group a list gives it, or null.</param>
    /// <param name="Split">The subset a list gives it, or none.</param>
    /// <param name="ListLine">The line of the list that names it, or 0 when it was not listed.</param>
    private sealed record ImportCandidate(string Path, string ClassName, string? Group, SampleSplit Split,
        int ListLine = 0);

    /// <summary>
    /// Records what the import passed over, could not read, and warned about, for the report, and forwards each
    /// to the caller's callback. The callbacks are called one at a time.
    /// </summary>
    private sealed class ImportLog
    {
        private readonly object gate = new();
        private readonly List<SkippedFile> skipped = new();
        private readonly List<ImportProblem> problems = new();
        private readonly List<string> warnings = new();

        public ImportLog(DataSetImportOptions options)
        {
            if (options.MaxPixels <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.MaxPixels,
                    "The pixel limit must be above 0.");
            }
            Options = options;
        }

        public DataSetImportOptions Options { get; }

        public IReadOnlyList<SkippedFile> Skipped => skipped;

        public IReadOnlyList<ImportProblem> Problems => problems;

        public IReadOnlyList<string> Warnings => warnings;

        public bool SkipIfClutter(string path)
        {
            string? reason = ImageFileFinder.ClutterReason(path);
            if (reason is not null)
            {
                Skip(new SkippedFile(path, reason));
            }
            return reason is not null;
        }

        public void Skip(SkippedFile file)
        {
            lock (gate)
            {
                skipped.Add(file);
                Options.OnSkipped?.Invoke(file);
            }
        }

        public void Problem(ImportProblem problem)
        {
            lock (gate)
            {
                problems.Add(problem);
                Options.OnProblem?.Invoke(problem);
            }
        }

        public void Warn(string message)
        {
            lock (gate)
            {
                warnings.Add(message);
                Options.OnWarning?.Invoke(message);
            }
        }
    }
}
