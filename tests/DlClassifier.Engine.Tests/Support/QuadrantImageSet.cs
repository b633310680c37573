using DlClassifier.Engine.Data;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Training;

namespace DlClassifier.Engine.Tests.Support;

/// <summary>
/// Classes of 32×32 grey images whose only evidence sits in one quadrant: "topleft" images carry a bright
/// 10×10 square somewhere in the top-left quadrant, "bottomright" images in the bottom-right one; every other
/// pixel is dark noise. A third class, "none", is noise alone: without it a network could call an image
/// "topleft" for the absence of a bottom-right square, and its heat map would have nothing to point at.
/// A CompactCnn trained on it for a few epochs is kept for the whole test class.
/// </summary>
public sealed class QuadrantImageSet : IDisposable
{
    public const int Side = 32;
    public const int ImagesPerClass = 16;
    private const int SquareSide = 10;

    private readonly TemporaryFolder folder = new("quadrants");

    public QuadrantImageSet()
    {
        var random = new Random(7);
        for (int i = 0; i < ImagesPerClass; i++)
        {
            Write(folder.Combine("topleft", $"{i:D2}.png"), random, 0);
            Write(folder.Combine("bottomright", $"{i:D2}.png"), random, Side / 2);
            Write(folder.Combine("none", $"{i:D2}.png"), random, -1);
        }
        DataSet = DataSetSplitter.Split(DataSetImporter.ImportFolders(new[] { folder.Path }), 75, 25, seed: 3);
        var parameters = new DlClassifierParam
        {
            Epochs = 8, BatchSize = 8, LearningRate = 0.05, Device = "cpu", Threads = 1, Seed = 5,
            Augmentation = Augmentation.None,
        };
        Classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn, DataSet.ClassNames, Side, Side,
            1, parameters);
        Trainer.Train(Classifier, DataSet, null, null, CancellationToken.None);
    }

    public DlDataSet DataSet { get; }

    /// <summary>Trained on <see cref="DataSet"/>; tests read it and must not train or dispose it.</summary>
    public DlClassifier Classifier { get; }

    public string Root => folder.Path;

    /// <summary>The first <paramref name="count"/> images of a class.</summary>
    public string[] PathsOf(string className, int count) => DataSet.Samples
        .Where(s => s.ClassName == className).Take(count).Select(s => s.Path).ToArray();

    /// <summary>
    /// The mean heat of each quadrant of a <see cref="Side"/>-square map: top-left, top-right, bottom-left,
    /// bottom-right.
    /// </summary>
    public static double[] QuadrantMeans(float[] values)
    {
        var sums = new double[4];
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                sums[(y < Side / 2 ? 0 : 2) + (x < Side / 2 ? 0 : 1)] += values[y * Side + x];
            }
        }
        return sums.Select(sum => sum / (Side * Side / 4)).ToArray();
    }

    public void Dispose()
    {
        Classifier.Dispose();
        folder.Dispose();
    }

    private static void Write(string path, Random random, int quadrantStart)
    {
        var pixels = new byte[Side * Side];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)random.Next(0, 60);
        }
        if (quadrantStart < 0)
        {
            TestImages.WriteGreyPng(path, Side, Side, pixels);
            return;
        }
        int left = quadrantStart + random.Next(0, Side / 2 - SquareSide + 1);
        int top = quadrantStart + random.Next(0, Side / 2 - SquareSide + 1);
        for (int y = top; y < top + SquareSide; y++)
        {
            for (int x = left; x < left + SquareSide; x++)
            {
                pixels[y * Side + x] = 230;
            }
        }
        TestImages.WriteGreyPng(path, Side, Side, pixels);
    }
}
