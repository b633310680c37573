namespace DlClassifier.Engine.IO;

/// <summary>
/// Writes a file so that a reader never sees it half written: the content goes to a temporary file in the
/// same folder, which then replaces the target in one rename.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Prefix of the temporary files, so that a stray one can be recognised.</summary>
    internal const string TemporaryPrefix = ".dl-";

    /// <summary>
    /// Creates the parent folder if missing, lets <paramref name="write"/> fill a temporary file beside
    /// <paramref name="path"/>, then moves it over <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <remarks>
    /// On Windows the final rename fails with an <see cref="IOException"/> while another program holds the
    /// target open without delete sharing (some image viewers do). The replace is not retried here, because
    /// how long to wait is the caller's choice: a training loop rewriting its plot each epoch should report
    /// the failure as a warning and go on, and the next epoch's write will try again.
    /// </remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);

        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"The path '{path}' has no parent folder.", nameof(path));
        Directory.CreateDirectory(folder);

        // The temporary file must sit in the target's folder: a rename is only atomic within one file system.
        var temporaryPath = Path.Combine(
            folder, TemporaryPrefix + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        finally
        {
            // After a successful move the temporary file no longer exists; after a failure it must not linger.
            if (File.Exists(temporaryPath))
            {
                File.Delete(temporaryPath);
            }
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="bytes">The whole content.</param>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes, 0, bytes.Length));
    }
}
