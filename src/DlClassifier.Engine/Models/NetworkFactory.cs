using DlClassifier.Engine.Data;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Training;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Models;

/// <summary>Creates networks and classifiers.</summary>
public static class NetworkFactory
{
    /// <summary>Builds the network of an architecture with weights drawn from the seed.</summary>
    internal static nn.Module<Tensor, Tensor> Create(NetworkArchitecture architecture, int channels, int width,
        int height, int classCount, int seed)
    {
        DeviceManager.EnsureInitialized();
        lock (TrainingLock.Gate)
        {
            // libtorch's generator is process-wide: seeding and drawing the weights happen under one lock.
            random.manual_seed(seed);
            return architecture switch
            {
                NetworkArchitecture.CompactCnn => new CompactCnn(channels, width, height, classCount),
                NetworkArchitecture.ResNet18 => ResNet.ResNet18(channels, width, height, classCount),
                NetworkArchitecture.ResNet50 => ResNet.ResNet50(channels, width, height, classCount),
                NetworkArchitecture.MobileNetV2 => new MobileNetV2(channels, width, height, classCount),
                _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown architecture."),
            };
        }
    }

    /// <summary>A new, untrained classifier.</summary>
    /// <exception cref="ArgumentException">The classes or the image size do not fit the architecture.</exception>
    public static DlClassifier CreateClassifier(NetworkArchitecture architecture, IReadOnlyList<string> classNames,
        int width, int height, int channels, DlClassifierParam? parameters = null)
    {
        if (classNames.Count < 2)
        {
            throw new ArgumentException($"A classifier needs at least two classes; {classNames.Count} given.",
                nameof(classNames));
        }
        string? duplicate = classNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"The class name '{duplicate}' is given more than once.", nameof(classNames));
        }
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels,
                "Images must have 1 (grey) or 3 (colour) channels.");
        }
        parameters ??= new DlClassifierParam();
        nn.Module<Tensor, Tensor> network =
            Create(architecture, channels, width, height, classNames.Count, parameters.Seed);
        return new DlClassifier(architecture, classNames, width, height, channels, parameters, network);
    }

    /// <summary>The most common image size and channel count of a data set, which a new classifier takes.</summary>
    public static ImageShape MostCommonShape(DlDataSet dataSet)
    {
        if (dataSet.Count == 0)
        {
            throw new ArgumentException("The data set holds no image.", nameof(dataSet));
        }
        (int Width, int Height) size = dataSet.Samples
            .GroupBy(s => (s.Width, s.Height))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Width * g.Key.Height)
            .First().Key;
        int channels = dataSet.Samples
            .GroupBy(s => s.Channels).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;
        return new ImageShape(size.Width, size.Height, channels);
    }
}
