using System.Globalization;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DlClassifier.Bench;

/// <summary>
/// Fashion-MNIST from the Debian package dataset-fashion-mnist, as byte arrays and as PNG class folders laid out
/// as the PyTorch reference writes them (<c>train/0_T-shirt_top/00000.png</c>), so both read the same files.
/// </summary>
internal sealed class FashionMnist
{
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    public static readonly string[] ClassNames =
    {
        "T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot",
    };

    private FashionMnist(byte[][] trainImages, int[] trainLabels, byte[][] testImages, int[] testLabels)
    {
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
    }

    /// <summary>60,000 images of 28×28 bytes, row by row.</summary>
    public byte[][] TrainImages { get; }

    public int[] TrainLabels { get; }

    /// <summary>10,000 images of 28×28 bytes.</summary>
    public byte[][] TestImages { get; }

    public int[] TestLabels { get; }

    /// <exception cref="FileNotFoundException">The Debian package is not installed.</exception>
    public static FashionMnist Load(string folder = DefaultFolder)
    {
        string Path(string name)
        {
            string path = System.IO.Path.Combine(folder, name);
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException(
                    $"{path} is missing; install the Debian package: apt-get install dataset-fashion-mnist", path);
        }

        return new FashionMnist(
            ReadImages(Path("train-images-idx3-ubyte.gz")), ReadLabels(Path("train-labels-idx1-ubyte.gz")),
            ReadImages(Path("t10k-images-idx3-ubyte.gz")), ReadLabels(Path("t10k-labels-idx1-ubyte.gz")));
    }

    /// <summary>
    /// The folder name of a class: its index and name, so that sorting by name keeps the index order.
    /// </summary>
    public static string ClassFolder(int label) =>
        $"{label.ToString(CultureInfo.InvariantCulture)}_{ClassNames[label]}";

    /// <summary>
    /// Writes <c>root/train</c> (60,000) and <c>root/test</c> (10,000) as 8-bit grey PNGs unless a previous call
    /// finished writing them (a marker file records that).
    /// </summary>
    public void WritePngs(string root)
    {
        string marker = System.IO.Path.Combine(root, "complete.txt");
        string expected = $"{TrainImages.Length} train, {TestImages.Length} test";
        if (File.Exists(marker) && File.ReadAllText(marker) == expected)
        {
            return;
        }
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        Console.WriteLine($"Writing {TrainImages.Length + TestImages.Length} PNG files to {root} ...");
        foreach ((string split, byte[][] images, int[] labels) in new[]
                 {
                     ("train", TrainImages, TrainLabels), ("test", TestImages, TestLabels),
                 })
        {
            for (int c = 0; c < ClassNames.Length; c++)
            {
                Directory.CreateDirectory(System.IO.Path.Combine(root, split, ClassFolder(c)));
            }
            Parallel.For(0, images.Length, i =>
            {
                using Image<L8> image = Image.LoadPixelData<L8>(images[i], 28, 28);
                image.SaveAsPng(System.IO.Path.Combine(root, split, ClassFolder(labels[i]),
                    i.ToString("D5", CultureInfo.InvariantCulture) + ".png"));
            });
        }
        File.WriteAllText(marker, expected);
    }

    private static byte[] ReadAll(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    private static int BigEndian(byte[] data, int offset) =>
        (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3];

    private static byte[][] ReadImages(string path)
    {
        byte[] data = ReadAll(path);
        if (BigEndian(data, 0) != 0x0803)
        {
            throw new InvalidDataException($"{path} is not an IDX file of images.");
        }
        int count = BigEndian(data, 4), rows = BigEndian(data, 8), columns = BigEndian(data, 12);
        int size = rows * columns;
        return Enumerable.Range(0, count).Select(i => data.AsSpan(16 + i * size, size).ToArray()).ToArray();
    }

    private static int[] ReadLabels(string path)
    {
        byte[] data = ReadAll(path);
        if (BigEndian(data, 0) != 0x0801)
        {
            throw new InvalidDataException($"{path} is not an IDX file of labels.");
        }
        return data.AsSpan(8, BigEndian(data, 4)).ToArray().Select(b => (int)b).ToArray();
    }
}
