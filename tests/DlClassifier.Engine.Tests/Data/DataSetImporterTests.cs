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
            new DataSetImportOptions { OnSkipped = skipped.Add });

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
            new DataSetImportOptions { OnProblem = problems.Add });

        Assert.Equal(new[] { good, other }, dataSet.Samples.Select(s => s.Path));
        Assert.Equal(new[] { text, truncated }, problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(problems, p => Assert.IsType<InvalidDataException>(p.Exception));
        Assert.Equal(problems.OrderBy(p => p.Path, StringComparer.Ordinal), dataSet.ImportReport!.UnreadableFiles);
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
            new DataSetImportOptions { SkipEmptyClasses = true });

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
            new DataSetImportOptions { OnProgress = (done, total) => calls.Enqueue((done, total)) });

        Assert.Equal((5, 5), calls.Last());
    }

    [Fact]
    public void ImportFolders_DesktopIniAndMetadataFolders_AreSkippedAndNeverBecomeClasses()
    {
        string image = TestImages.WriteFlatGreyPng(folder.Combine("bolt", "1.png"), 4, 4, 1);
        string desktopIni = folder.Combine("bolt", "desktop.ini");
        File.WriteAllText(desktopIni, "[.ShellClassInfo]");
        string rootIni = folder.Combine("Desktop.ini");
        File.WriteAllText(rootIni, "[.ShellClassInfo]");
        TestImages.WriteFlatGreyPng(folder.Combine("__MACOSX", "bolt", "1.png"), 4, 4, 1);
        TestImages.WriteFlatGreyPng(folder.Combine("bolt", "@eaDir", "1.png"), 4, 4, 1);
        var skipped = new ConcurrentBag<SkippedFile>();

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path },
            new DataSetImportOptions { OnSkipped = skipped.Add });

        Assert.Equal(new[] { "bolt" }, dataSet.ClassNames);
        Assert.Equal(new[] { image }, dataSet.Samples.Select(s => s.Path));
        Assert.Equal(
            new[]
            {
                (folder.Combine("__MACOSX"), "operating-system or archive metadata folder"),
                (desktopIni, "operating-system metadata file"),
                (folder.Combine("bolt", "@eaDir"), "operating-system or archive metadata folder"),
            }.Order(),
            skipped.Select(s => (s.Path, s.Reason)).Order());
        Assert.Equal(skipped.OrderBy(s => s.Path, StringComparer.Ordinal),
            dataSet.ImportReport!.SkippedFiles.OrderBy(s => s.Path, StringComparer.Ordinal));
    }

    [Fact]
    public void ImportFolders_SameRootTwice_TakesEachFileOnce()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("a", "1.png"), 4, 4, 1);

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path, folder.Path });

        Assert.Equal(1, dataSet.Count);
    }

    [Fact]
    public void ImportFolders_ContentOfAnotherFormat_IsImportedWithAWarning()
    {
        string disguised = TestImages.WriteRgbJpeg(folder.Combine("a", "photo.png"), 4, 4, new Rgb24(1, 2, 3));
        TestImages.WriteRgbJpeg(folder.Combine("a", "honest.JPG"), 4, 4, new Rgb24(3, 2, 1));
        var warnings = new ConcurrentQueue<string>();

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path },
            new DataSetImportOptions { OnWarning = warnings.Enqueue });

        Assert.Equal(2, dataSet.Count);
        string expected = $"'{disguised}' holds a JPEG image although its name ends in '.png'; it was read as JPEG.";
        Assert.Equal(new[] { expected }, warnings);
        Assert.Equal(new[] { expected }, dataSet.ImportReport!.Warnings);
    }

    [Fact]
    public void ImportFolders_ZeroByteFile_IsAProblemSayingItIsEmpty()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("a", "good.png"), 4, 4, 1);
        string empty = folder.Combine("a", "empty.png");
        File.WriteAllBytes(empty, Array.Empty<byte>());

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path });

        ImportProblem problem = Assert.Single(dataSet.ImportReport!.UnreadableFiles);
        Assert.Equal((empty, $"'{empty}' is not a readable image: the file is empty (0 bytes)."),
            (problem.Path, problem.Reason));
        Assert.Equal(1, dataSet.Count);
    }

    [Fact]
    public void ImportFolders_LinkToAMissingFile_IsAProblemAndNoExceptionEscapes()
    {
        // A file that cannot be opened; permissions cannot stand in for it, as the tests may run as root.
        TestImages.WriteFlatGreyPng(folder.Combine("a", "good.png"), 4, 4, 1);
        string dangling = folder.Combine("a", "dangling.png");
        File.CreateSymbolicLink(dangling, folder.Combine("nowhere.png"));

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path });

        ImportProblem problem = Assert.Single(dataSet.ImportReport!.UnreadableFiles);
        Assert.Equal(dangling, problem.Path);
        Assert.IsAssignableFrom<IOException>(problem.Exception);
        Assert.Equal(1, dataSet.Count);
    }

    [Fact]
    public void ImportFolders_HeaderAboveThePixelLimit_IsAProblemAndTheRestImported()
    {
        string good = TestImages.WriteFlatGreyPng(folder.Combine("a", "good.png"), 4, 4, 1);
        string bomb = folder.Combine("a", "bomb.png");
        File.WriteAllBytes(bomb, HandMadeImages.PngDeclaringSize(50_000, 50_000));
        string wide = TestImages.WriteFlatGreyPng(folder.Combine("b", "wide.png"), 30, 2, 1);
        var problems = new ConcurrentBag<ImportProblem>();

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path },
            new DataSetImportOptions { OnProblem = problems.Add, MaxPixels = 60 });

        Assert.Equal(new[] { good, wide }, dataSet.Samples.Select(s => s.Path));
        ImportProblem problem = Assert.Single(problems);
        var tooLarge = Assert.IsType<ImageTooLargeException>(problem.Exception);
        Assert.Equal((bomb, 50_000, 50_000, 60L), (problem.Path, tooLarge.Width, tooLarge.Height, tooLarge.MaxPixels));
    }

    [Fact]
    public void ImportFolders_ClassWithOnlyUnreadableImages_ThrowsNamingIt()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("good", "1.png"), 4, 4, 1);
        File.WriteAllText(folder.Combine("broken", "1.png"), "text");
        File.WriteAllText(folder.Combine("broken", "2.png"), "text");
        var problems = new ConcurrentBag<ImportProblem>();

        var error = Assert.Throws<InvalidDataException>(() => DataSetImporter.ImportFolders(new[] { folder.Path },
            new DataSetImportOptions { OnProblem = problems.Add }));

        Assert.Equal("None of the 2 images of the class folder 'broken' could be read. Add images, remove the class, " +
                     "or leave empty classes out.", error.Message);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void ImportFolders_EmptyClassesSkipped_AreLeftOutWithAWarningAndIndicesStayDense()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("c", "1.png"), 4, 4, 1);
        Directory.CreateDirectory(folder.Combine("a"));
        File.WriteAllText(folder.Combine("b", "1.png"), "text");
        var warnings = new ConcurrentQueue<string>();

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path },
            new DataSetImportOptions { SkipEmptyClasses = true, OnWarning = warnings.Enqueue });

        Assert.Equal(new[] { "c" }, dataSet.ClassNames);
        Assert.Equal(0, Assert.Single(dataSet.Samples).ClassIndex);
        Assert.Equal(new[]
        {
            "The class folder 'a' holds no image. It was left out.",
            "None of the 1 images of the class folder 'b' could be read. It was left out.",
        }, warnings);
    }

    [Fact]
    public void ImportFolders_ByteIdenticalFiles_AreReportedAsGroupsAndWarnedAboutAcrossClasses()
    {
        string first = TestImages.WriteFlatGreyPng(folder.Combine("bolt", "a.png"), 4, 4, 50);
        string copy = folder.Combine("bolt", "copy.png");
        File.Copy(first, copy);
        string other = folder.Combine("nut", "other.png");
        File.Copy(first, other);
        string pairA = TestImages.WriteFlatGreyPng(folder.Combine("nut", "p.png"), 4, 4, 99);
        string pairB = folder.Combine("nut", "q.png");
        File.Copy(pairA, pairB);
        TestImages.WriteFlatGreyPng(folder.Combine("nut", "single.png"), 4, 4, 7);
        var warnings = new ConcurrentQueue<string>();

        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path },
            new DataSetImportOptions { OnWarning = warnings.Enqueue });

        DuplicateGroup[] groups = dataSet.ImportReport!.DuplicateGroups;
        Assert.Equal(2, groups.Length);
        Assert.Equal(new[] { first, copy, other }, groups[0].Paths);
        Assert.Equal(new[] { "bolt", "bolt", "nut" }, groups[0].ClassNames);
        Assert.True(groups[0].HasConflictingClasses);
        Assert.Equal(new[] { pairA, pairB }, groups[1].Paths);
        Assert.False(groups[1].HasConflictingClasses);
        Assert.Equal(dataSet.Samples.Single(s => s.Path == pairA).ContentHash, groups[1].ContentHash);
        Assert.Equal(new[]
        {
            $"These files are byte-identical but labelled with different classes: {first} (bolt), {copy} (bolt), " +
            $"{other} (nut). Keep one of them in the right class and remove the others.",
        }, warnings);
    }

    [Fact]
    public void ImportFolders_Report_CountsClassesAndNamesItsSources()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("b", "1.png"), 4, 4, 1);
        TestImages.WriteFlatGreyPng(folder.Combine("b", "2.png"), 4, 4, 2);
        TestImages.WriteFlatGreyPng(folder.Combine("a", "1.png"), 4, 4, 3);
        File.WriteAllText(folder.Combine("a", "notes.txt"), "x");

        DlImportReport report = DataSetImporter.ImportFolders(new[] { folder.Path }).ImportReport!;

        Assert.Equal(new[] { folder.Path }, report.Sources);
        Assert.Equal(new[] { KeyValuePair.Create("a", 1), KeyValuePair.Create("b", 2) }, report.ClassCounts);
        Assert.Equal(3, report.ImageCount);
        Assert.Equal("3 images in 2 classes; 1 skipped, 0 unreadable, 0 duplicate groups", report.ToString());
    }

    [Fact]
    public void ImportList_RowsWithGroupsAndSplits_KeepListOrderAndOrdinalClassIndices()
    {
        string bolt = TestImages.WriteFlatGreyPng(folder.Combine("img", "bolt.png"), 5, 3, 1);
        string nut = TestImages.WriteRgbJpeg(folder.Combine("img", "nut.jpg"), 4, 4, new Rgb24(1, 2, 3));
        string washer = TestImages.WriteFlatGreyPng(folder.Combine("other", "washer.png"), 4, 4, 2);
        string list = folder.Combine("lists", "set.csv");
        File.WriteAllText(list, $"path,class,group,split\n../img/nut.jpg,nut,,test\n{washer},Washer,w1,train\n" +
                                "../img/bolt.png,bolt,b1,validation\n");

        DlDataSet dataSet = DataSetImporter.ImportList(list);

        Assert.Equal(new[] { "Washer", "bolt", "nut" }, dataSet.ClassNames);
        Assert.Equal(
            new[]
            {
                (nut, "nut", 2, SampleSplit.Test, (string?)null),
                (washer, "Washer", 0, SampleSplit.Training, "w1"),
                (bolt, "bolt", 1, SampleSplit.Validation, "b1"),
            },
            dataSet.Samples.Select(s => (s.Path, s.ClassName, s.ClassIndex, s.Split, s.Group)));
        Assert.Equal((5, 3, 1), (dataSet.Samples[2].Width, dataSet.Samples[2].Height, dataSet.Samples[2].Channels));
        Assert.Equal(new[] { list }, dataSet.ImportReport!.Sources);
        Assert.Empty(dataSet.Roots);
    }

    [Fact]
    public void ImportList_MissingAndBrokenFiles_AreProblemsNamingTheirLines()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("good.png"), 4, 4, 1);
        File.WriteAllText(folder.Combine("notes.txt"), "text");
        string list = folder.Combine("set.csv");
        File.WriteAllText(list, "path,class\ngood.png,a\nmissing.png,a\nnotes.txt,a\n");
        var problems = new ConcurrentBag<ImportProblem>();

        DlDataSet dataSet = DataSetImporter.ImportList(list, new DataSetImportOptions { OnProblem = problems.Add });

        Assert.Equal(1, dataSet.Count);
        ImportProblem[] sorted = problems.OrderBy(p => p.Path, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { folder.Combine("missing.png"), folder.Combine("notes.txt") }, sorted.Select(p => p.Path));
        Assert.IsType<FileNotFoundException>(sorted[0].Exception);
        Assert.EndsWith(" The list names it on line 3.", sorted[0].Reason);
        Assert.Equal($"'{folder.Combine("notes.txt")}' is not a readable image: its content is in no image format " +
                     "that can be read (PNG, JPEG, BMP, GIF, TIFF or WebP). The list names it on line 4.",
            sorted[1].Reason);
    }

    [Fact]
    public void ImportFiles_FilesAndFolders_AreOneClassWithoutClutter()
    {
        string a = TestImages.WriteFlatGreyPng(folder.Combine("loose", "a.png"), 4, 4, 1);
        string b = TestImages.WriteFlatGreyPng(folder.Combine("more", "deep", "b.PNG"), 4, 4, 2);
        string thumbs = folder.Combine("loose", "Thumbs.db");
        File.WriteAllText(thumbs, "x");
        string notes = folder.Combine("loose", "notes.txt");
        File.WriteAllText(notes, "x");
        var skipped = new ConcurrentBag<SkippedFile>();

        DlDataSet dataSet = DataSetImporter.ImportFiles(new[] { a, thumbs, notes, folder.Combine("more"), a }, "bolt",
            new DataSetImportOptions { OnSkipped = skipped.Add });

        Assert.Equal(new[] { "bolt" }, dataSet.ClassNames);
        Assert.Equal(new[] { a, b }, dataSet.Samples.Select(s => s.Path));
        Assert.All(dataSet.Samples, s => Assert.Equal(0, s.ClassIndex));
        Assert.Equal(new[] { thumbs, notes }, skipped.Select(s => s.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ImportFiles_NothingReadable_ThrowsNamingTheClass()
    {
        string text = folder.Combine("a.png");
        File.WriteAllText(text, "text");

        var error = Assert.Throws<InvalidDataException>(() => DataSetImporter.ImportFiles(new[] { text }, "bolt"));

        Assert.Equal("None of the 1 images of the class 'bolt' could be read. Add images, remove the class, or leave " +
                     "empty classes out.", error.Message);
    }

    [Fact]
    public void ListRoundTrip_SplitFolderImport_GivesIdenticalSamples()
    {
        for (int i = 0; i < 6; i++)
        {
            TestImages.WriteFlatGreyPng(folder.Combine(i % 2 == 0 ? "even" : "odd", $"{i}.png"), 4, 4, (byte)i);
        }
        TestImages.WriteRgbJpeg(folder.Combine("odd", "colour, with comma.jpg"), 6, 2, new Rgb24(5, 6, 7));
        DlDataSet original = DataSetSplitter.Split(DataSetImporter.ImportFolders(new[] { folder.Path }), 50, 25, 3);
        string list = folder.Combine("set.csv");

        DataSetListFile.Write(list, original.Samples);
        DlDataSet imported = DataSetImporter.ImportList(list);

        Assert.Equal(original.ClassNames, imported.ClassNames);
        Assert.Equal(original.Samples.Select(Describe), imported.Samples.Select(Describe));
    }

    [Fact]
    public void WithSamples_OtherSamples_KeepsClassesRootsAndReport()
    {
        TestImages.WriteFlatGreyPng(folder.Combine("a", "1.png"), 4, 4, 1);
        DlDataSet dataSet = DataSetImporter.ImportFolders(new[] { folder.Path });

        DlDataSet copy = dataSet.WithSamples(dataSet.Samples.Select(s => s.WithSplit(SampleSplit.Test)).ToArray());

        Assert.Equal(dataSet.ClassNames, copy.ClassNames);
        Assert.Equal(dataSet.Roots, copy.Roots);
        Assert.Same(dataSet.ImportReport, copy.ImportReport);
        Assert.Equal(SampleSplit.Test, Assert.Single(copy.Samples).Split);
    }

    private static string Describe(DlSample s) =>
        $"{s.Path}|{s.ClassName}|{s.ClassIndex}|{s.Split}|{s.Group}|{s.Width}|{s.Height}|{s.Channels}|{s.ContentHash}";
}
