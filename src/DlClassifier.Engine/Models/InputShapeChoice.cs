using DlClassifier.Engine.Data;

namespace DlClassifier.Engine.Models;

/// <summary>The input shape chosen for a new classifier from the images of a data set, and why.</summary>
/// <param name="Shape">The width and height chosen, and the most common channel count.</param>
/// <param name="ImagesOfThatSize">How many images have exactly that width and height.</param>
/// <param name="ImageCount">How many images the data set holds.</param>
/// <param name="TiedSizes">How many sizes share the largest count; 1 when one size is the most common.</param>
public sealed record InputShapeChoice(ImageShape Shape, int ImagesOfThatSize, int ImageCount, int TiedSizes)
{
    /// <summary>
    /// Chooses the most common width and height. When several sizes are equally common (every image of another
    /// size, say), the one whose area is nearest the (upper) median area of all images wins, the larger on a tie, so
    /// that one stray thumbnail or icon cannot set the size of the network. The channel count is the most
    /// common one, colour on a tie.
    /// </summary>
    /// <exception cref="ArgumentException">The data set holds no image.</exception>
    public static InputShapeChoice FromDataSet(DlDataSet dataSet)
    {
        if (dataSet.Count == 0)
        {
            throw new ArgumentException("The data set holds no image.", nameof(dataSet));
        }
        var sizes = dataSet.Samples.GroupBy(s => (s.Width, s.Height)).Select(g => (g.Key, Count: g.Count())).ToList();
        int largestCount = sizes.Max(s => s.Count);
        var tied = sizes.Where(s => s.Count == largestCount).Select(s => s.Key).ToList();

        long[] areas = dataSet.Samples.Select(s => (long)s.Width * s.Height).Order().ToArray();
        // The upper median of an even count, so that of two images, a stray small one and a real one, the real
        // one sets the size.
        long medianArea = areas[areas.Length / 2];
        (int Width, int Height) size = tied
            .OrderBy(s => Math.Abs((long)s.Width * s.Height - medianArea))
            .ThenByDescending(s => (long)s.Width * s.Height)
            .ThenByDescending(s => s.Width)
            .First();

        int channels = dataSet.Samples
            .GroupBy(s => s.Channels).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;
        return new InputShapeChoice(new ImageShape(size.Width, size.Height, channels), largestCount, dataSet.Count,
            tied.Count);
    }

    /// <summary>One sentence that says which size was chosen and why.</summary>
    public string Describe() => TiedSizes == 1
        ? $"The input size is {Shape.Width}×{Shape.Height}, the most common size ({ImagesOfThatSize:N0} of " +
          $"{ImageCount:N0} images)."
        : $"The input size is {Shape.Width}×{Shape.Height}: {TiedSizes:N0} sizes have {ImagesOfThatSize:N0} of " +
          $"{ImageCount:N0} images each, and of those it is nearest the median image area.";
}
