namespace DlClassifier.Engine.Data;

/// <summary>
/// Finds image files below a folder and tells operating-system clutter apart from images, so that neither
/// a thumbnail cache nor a folder of metadata becomes a sample or a class.
/// </summary>
internal static class ImageFileFinder
{
    private static readonly HashSet<string> ClutterFileNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Thumbs.db", "ehthumbs.db", "desktop.ini", ".DS_Store",
    };

    // Folders that archivers, recycle bins, volumes and network storage create beside the user's files.
    private static readonly HashSet<string> ClutterFolderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "__MACOSX", "$RECYCLE.BIN", "System Volume Information", "@eaDir",
    };

    /// <summary>Why a file or folder is clutter, or null when it is not.</summary>
    public static string? ClutterReason(string path)
    {
        string name = System.IO.Path.GetFileName(path);
        if (name.StartsWith("._", StringComparison.Ordinal))
        {
            return "AppleDouble metadata file";
        }
        if (name.StartsWith('.'))
        {
            return "hidden file or folder";
        }
        if (ClutterFileNames.Contains(name))
        {
            return "operating-system metadata file";
        }
        if (ClutterFolderNames.Contains(name) && Directory.Exists(path))
        {
            return "operating-system or archive metadata folder";
        }
        return IsHidden(path) ? "hidden file or folder" : null;
    }

    /// <summary>
    /// The image files at any depth below <paramref name="folder"/>, in ordinal order. Clutter and files of
    /// other types are reported as skipped; a subfolder that cannot be listed is reported as a problem and the
    /// search goes on without it.
    /// </summary>
    /// <exception cref="IOException"><paramref name="folder"/> itself cannot be listed.</exception>
    /// <exception cref="UnauthorizedAccessException"><paramref name="folder"/> itself may not be listed.</exception>
    public static List<string> Below(string folder, Action<SkippedFile> onSkipped, Action<ImportProblem> onProblem)
    {
        var found = new List<string>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            string[] files;
            string[] children;
            try
            {
                files = Directory.GetFiles(current);
                children = Directory.GetDirectories(current);
            }
            catch (Exception e) when (current != folder && e is IOException or UnauthorizedAccessException)
            {
                onProblem(new ImportProblem(current, $"The folder '{current}' cannot be listed: {e.Message}", e));
                continue;
            }

            foreach (string file in files.Order(StringComparer.Ordinal))
            {
                string? clutter = ClutterReason(file);
                if (clutter is not null)
                {
                    onSkipped(new SkippedFile(file, clutter));
                }
                else if (ImageReader.HasImageExtension(file))
                {
                    found.Add(file);
                }
                else
                {
                    onSkipped(new SkippedFile(file, "not an image file name ending"));
                }
            }
            foreach (string child in children.OrderDescending(StringComparer.Ordinal))
            {
                string? clutter = ClutterReason(child);
                if (clutter is null)
                {
                    pending.Push(child);
                }
                else
                {
                    onSkipped(new SkippedFile(child, clutter));
                }
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static bool IsHidden(string path)
    {
        try
        {
            return (File.GetAttributes(path) & FileAttributes.Hidden) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An entry that vanished or cannot be examined is not clutter; reading it will report the trouble.
            return false;
        }
    }
}
