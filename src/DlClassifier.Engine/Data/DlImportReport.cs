namespace DlClassifier.Engine.Data;

/// <summary>
/// What an import found besides the samples: how many images each class got, which files were passed over
/// or could not be read, which files are byte-identical, and the warnings that were given.
/// </summary>
public sealed class DlImportReport
{
    public DlImportReport(IReadOnlyList<string> sources, IReadOnlyDictionary<string, int> classCounts,
        IReadOnlyList<SkippedFile> skippedFiles, IReadOnlyList<ImportProblem> unreadableFiles,
        IReadOnlyList<DuplicateGroup> duplicateGroups, IReadOnlyList<string> warnings)
    {
        Sources = sources.ToArray();
        ClassCounts = new SortedDictionary<string, int>(classCounts.ToDictionary(p => p.Key, p => p.Value),
            StringComparer.Ordinal);
        SkippedFiles = skippedFiles.ToArray();
        UnreadableFiles = unreadableFiles.ToArray();
        DuplicateGroups = duplicateGroups.ToArray();
        Warnings = warnings.ToArray();
    }

    /// <summary>The class folders' roots, the list file, or the files given, as the import was asked.</summary>
    public string[] Sources { get; }

    /// <summary>The number of images imported.</summary>
    public int ImageCount => ClassCounts.Values.Sum();

    /// <summary>The number of images imported per class, in ordinal class order.</summary>
    public IReadOnlyDictionary<string, int> ClassCounts { get; }

    /// <summary>Files and folders passed over on purpose: operating-system clutter and other file types.</summary>
    public SkippedFile[] SkippedFiles { get; }

    /// <summary>Files that looked like images but could not be read; they are not in the data set.</summary>
    public ImportProblem[] UnreadableFiles { get; }

    /// <summary>Sets of imported files with identical bytes.</summary>
    public DuplicateGroup[] DuplicateGroups { get; }

    /// <summary>Every warning the import gave, in the order given.</summary>
    public string[] Warnings { get; }

    public override string ToString() =>
        $"{ImageCount} images in {ClassCounts.Count} classes; {SkippedFiles.Length} skipped, " +
        $"{UnreadableFiles.Length} unreadable, {DuplicateGroups.Length} duplicate groups";
}

/// <summary>Imported files whose bytes are identical (equal SHA-256), with the class each was given.</summary>
public sealed class DuplicateGroup
{
    public DuplicateGroup(string contentHash, IReadOnlyList<string> paths, IReadOnlyList<string> classNames)
    {
        if (paths.Count != classNames.Count)
        {
            throw new ArgumentException("Every path needs its class name.", nameof(classNames));
        }
        ContentHash = contentHash;
        Paths = paths.ToArray();
        ClassNames = classNames.ToArray();
    }

    /// <summary>The SHA-256 the files share, in hexadecimal.</summary>
    public string ContentHash { get; }

    /// <summary>The files, in data set order.</summary>
    public string[] Paths { get; }

    /// <summary>The class of each file in <see cref="Paths"/>.</summary>
    public string[] ClassNames { get; }

    /// <summary>True when the same picture was labelled with two or more classes.</summary>
    public bool HasConflictingClasses => ClassNames.Distinct(StringComparer.Ordinal).Count() > 1;

    public override string ToString() =>
        string.Join(", ", Paths.Select((path, i) => $"{path} ({ClassNames[i]})"));
}
