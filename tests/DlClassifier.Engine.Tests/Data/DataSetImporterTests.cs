using System.Collections.Concurrent;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace DlClassifier.Engine.Tests.Data;

public sealed class DataSetImporterTests : IDisposable
{
    private readonly TemporaryFolder folder = new("import");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void ImportFolders_ClassFolders_AreOrderedOrdinally()
    {
        foreach (string name in new[] { "alpha", "Zeta", "Beta", "_under" })
        {
            TestImages.WriteFlatGreyPng(folder.Combine(name, "1.png"), 4, 4, 10);
        }

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path });

        Assert.Equal(new[] { "Beta", "Zeta", "_under", "alpha" }, dataSet.ClassNames);
        Assert.All(dataSet.Samples, s => Assert.Equal(dataSet.ClassNames[s.ClassIndex], s.ClassName));
        Assert.All(dataSet.Samples, s => Assert.Equal(SampleSplit.None, s.Split));
    }

    [Fact]
    public void ImportFolders_ImagesInSubfolders_AreFoundAtAnyDepth()
    {
        string top = TestImages.WriteFlatGreyPng(folder.Combine("cat", "top.png"), 4, 4, 1);
        string deep = TestImages.WriteFlatGreyPng(folder.Combine("cat", "a", "b", "c", "deep.png"), 4, 4, 2);
        string jpeg = TestImages.WriteRgbJpeg(folder.Combine("cat", "a", "photo.JPG"), 4, 4, new Rgb24(1, 2, 3));
        string other = TestImages.WriteFlatGreyPng(folder.Combine("dog", "x", "dog.png"), 4, 4, 3);

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path });

        Assert.Equal(new[] { "cat", "dog" }, dataSet.ClassNames);
        Assert.Equal(new[] { top, deep, jpeg }.Order(StringComparer.Ordinal),
            dataSet.Samples.Where(s => s.ClassName == "cat").Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { other }, dataSet.Samples.Where(s => s.ClassName == "dog").Select(s => s.Path));
        Assert.Equal(new[] { folder.Path }, dataSet.Roots);
    }

    [Fact]
    public void ImportFolders_SeveralRoots_MergeClassesOfTheSameName()
    {
        using var second = new TemporaryFolder("import-second");
        TestImages.WriteFlatGreyPng(folder.Combine("a", "1.png"), 4, 4, 1);
        TestImages.WriteFlatGreyPng(second.Combine("a", "2.png"), 4, 4, 1);
        TestImages.WriteFlatGreyPng(second.Combine("b", "3.png"), 4, 4, 1);

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path, second.Path });

        Assert.Equal(new[] { "a", "b" }, dataSet.ClassNames);
        Assert.Equal(new[] { 2, 1 }, dataSet.CountPerClass());
    }

    [Fact]
    public void ImportFolders_Clutter_IsSkippedAndReported()
    {
        string image = TestImages.WriteFlatGreyPng(folder.Combine("a", "good.png"), 4, 4, 1);
        TestImages.WriteFlatGreyPng(folder.Combine("b", "good.png"), 4, 4, 1);
        string appleDouble = TestImages.WriteFlatGreyPng(folder.Combine("a", "._good.png"), 4, 4, 1);
        string store = folder.Combine("a", ".DS_Store");
        File.WriteAllText(store, "x");
        string thumbs = folder.Combine("a", "Thumbs.db");
        File.WriteAllText(thumbs, "x");
        string notes = folder.Combine("a", "notes.txt");
        File.WriteAllText(notes, "x");
        string hiddenImage = TestImages.WriteFlatGreyPng(folder.Combine("a", ".cache", "hidden.png"), 4, 4, 1);
        string hiddenClass = folder.Combine(".git");
        TestImages.WriteFlatGreyPng(folder.Combine(".git", "object.png"), 4, 4, 1);
        var skipped = new ConcurrentBag<SkippedFile>();

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path },
            new FolderImportOptions { OnSkipped = skipped.Add });

        Assert.Equal(new[] { "a", "b" }, dataSet.ClassNames);
        Assert.Equal(new[] { image }, dataSet.Samples.Where(s => s.ClassName == "a").Select(s => s.Path));
        string[] skippedPaths = skipped.Select(s => s.Path).ToArray();
        foreach (string path in new[] { appleDouble, store, thumbs, notes, folder.Combine("a", ".cache"), hiddenClass })
        {
            Assert.Contains(path, skippedPaths);
        }
        Assert.DoesNotContain(hiddenImage, dataSet.Samples.Select(s => s.Path));
        Assert.All(skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
    }

    [Fact]
    public void ImportFolders_BrokenFiles_AreReportedAndTheRestImported()
    {
        string good = TestImages.WriteFlatGreyPng(folder.Combine("a", "good.png"), 8, 8, 100);
        string other = TestImages.WriteFlatGreyPng(folder.Combine("b", "other.png"), 8, 8, 100);
        string text = folder.Combine("a", "text.png");
        File.WriteAllText(text, "this is not an image");
        string truncated = folder.Combine("b", "truncated.png");
        string whole = TestImages.WriteGreyPng(folder.Combine("whole.png"), 32, 32,
            Enumerable.Range(0, 32 * 32).Select(i => (byte)(i * 37 % 251)).ToArray());
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var problems = new ConcurrentBag<ImportProblem>();

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path },
            new FolderImportOptions { OnProblem = problems.Add });

        Assert.Equal(new[] { good, other }, dataSet.Samples.Select(s => s.Path));
        Assert.Equal(new[] { text, truncated }, problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(problems, p => Assert.IsType<InvalidDataException>(p.Exception));
    }

    [Fact]
    public void ImportFolders_EmptyClassFolder_ThrowsNamingIt()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("full", "1.png"), 4, 4, 1);
        Directory.CreateDirectory(folder.Combine("hollow"));

        var error = Assert.Throws<InvalidDataException>(() => DataSetImporter.ImportFolders(new[] { folder.Path }));

        Assert.Contains("'hollow'", error.Message);
    }

    [Fact]
    public void ImportFolders_EmptyClassFolderWithSkipEmptyClasses_LeavesItOut()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("full", "1.png"), 4, 4, 1);
        TestImages.WriteFlatGreyPng(folder.Combine("more", "1.png"), 4, 4, 1);
        Directory.CreateDirectory(folder.Combine("hollow", "empty-inside"));

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path },
            new FolderImportOptions { SkipEmptyClasses = true });

        Assert.Equal(new[] { "full", "more" }, dataSet.ClassNames);
        Assert.Equal(new[] { 0, 1 }, dataSet.Samples.Select(s => s.ClassIndex));
    }

    [Fact]
    public void ImportFolders_MissingRoot_ThrowsDirectoryNotFound()
    {
        string missing = Path.Combine(folder.Path, "nowhere");

        var error = Assert.Throws<DirectoryNotFoundException>(() => DataSetImporter.ImportFolders(new[] { missing }));

        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void ImportFolders_RootWithoutClassFolders_ThrowsInvalidData()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("loose.png"), 4, 4, 1);

        var error = Assert.Throws<InvalidDataException>(() => DataSetImporter.ImportFolders(new[] { folder.Path }));

        Assert.Contains(folder.Path, error.Message);
    }

    [Fact]
    public void ImportFolders_GreyAndColourImages_RecordShapeAndChannels()
    {
        TestImages.WriteGreyPng(folder.Combine("grey", "g.png"), 5, 3, new byte[15]);
        TestImages.WriteRgbPng(folder.Combine("rgb", "c.png"), 6, 2, new Rgb24[12]);
        TestImages.WriteRgbJpeg(folder.Combine("rgb", "j.jpg"), 9, 7, new Rgb24(200, 10, 10));

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path });

        var shapes = dataSet.Samples.ToDictionary(s => Path.GetFileName(s.Path), s => (s.Width, s.Height, s.Channels));
        Assert.Equal((5, 3, 1), shapes["g.png"]);
        Assert.Equal((6, 2, 3), shapes["c.png"]);
        Assert.Equal((9, 7, 3), shapes["j.jpg"]);
    }

    [Fact]
    public void ImportFolders_ProgressCallback_EndsWithAllFilesDone()
    {
        for (int i = 0; i < 5; i++)
        {
            TestImages.WriteFlatGreyPng(folder.Combine(i % 2 == 0 ? "a" : "b", $"{i}.png"), 4, 4, 1);
        }
        var calls = new ConcurrentQueue<(int Done, int Total)>();

        DataSetImporter.ImportFolders(new[] { folder.Path },
            new FolderImportOptions { OnProgress = (done, total) => calls.Enqueue((done, total)) });

        Assert.Equal((5, 5), calls.Last());
    }
}
