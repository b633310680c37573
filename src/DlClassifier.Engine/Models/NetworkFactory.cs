using DlClassifier.Engine.Data;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Training;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Models;

/// <summary>Creates networks and classifiers.</summary>
public static class NetworkFactory
{
    /// <summary>
    /// Builds the network of an architecture with weights drawn from the seed; with <paramref name="pretrained"/>,
    /// every layer but the head then takes the ImageNet weights (only <see cref="NetworkArchitecture.CntkResNet18"/>
    /// has them).
    /// </summary>
    /// <exception cref="FileNotFoundException">The pretrained model file is missing.</exception>
    /// <exception cref="InvalidDataException">The pretrained model file is not the expected model.</exception>
    internal static nn.Module<Tensor, Tensor> Create(NetworkArchitecture architecture, int channels, int width,
        int height, int classCount, int seed, bool pretrained = false)
    {
        DeviceManager.EnsureInitialized();
        nn.Module<Tensor, Tensor> network;
        lock (TrainingLock.Gate)
        {
            // libtorch's generator is process-wide: seeding and drawing the weights happen under one lock.
            random.manual_seed(seed);
            network = architecture switch
            {
                NetworkArchitecture.CompactCnn => new CompactCnn(channels, width, height, classCount),
                NetworkArchitecture.ResNet18 => ResNet.ResNet18(channels, width, height, classCount),
                NetworkArchitecture.ResNet50 => ResNet.ResNet50(channels, width, height, classCount),
                NetworkArchitecture.MobileNetV2 => new MobileNetV2(channels, width, height, classCount),
                NetworkArchitecture.CntkResNet18 => ResNet.CntkResNet18(classCount, width, height),
                _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown architecture."),
            };
        }
        if (pretrained)
        {
            try
            {
                CntkResNet18Weights.LoadInto((ResNet)network);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
        return network;
    }

    /// <summary>
    /// A classifier on the ImageNet-trained <see cref="NetworkArchitecture.CntkResNet18"/> with a new head for the
    /// classes, taking 224×224 colour input normalised as the backbone was trained (see
    /// <see cref="InputNormalization.BgrMeanImage"/>). Images of another size are resized when read, and grey
    /// images repeated into three channels.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two classes, or a class named twice.</exception>
    /// <exception cref="FileNotFoundException">A pretrained model file is missing.</exception>
    /// <exception cref="InvalidDataException">A pretrained model file is not the expected model.</exception>
    public static DlClassifier CreatePretrainedClassifier(IReadOnlyList<string> classNames,
        DlClassifierParam? parameters = null) =>
        CreatePretrainedClassifier(classNames, parameters, CntkResNet18Weights.InputSize,
            CntkResNet18Weights.InputSize);

    /// <summary>
    /// A classifier on the ImageNet-trained <see cref="NetworkArchitecture.CntkResNet18"/> with a new head for the
    /// classes, taking colour input of <paramref name="width"/>×<paramref name="height"/> pixels (at least
    /// <see cref="CntkResNet18Weights.MinimumSize"/> on each side) normalised as the backbone was trained, with
    /// the mean image resized to that size (<see cref="CntkResNet18Weights.MeanImage(int, int)"/>). The
    /// convolutions take any size; the weights were trained at 224×224, so a smaller input sees objects at a
    /// smaller scale than ImageNet's and costs less per image, roughly in proportion to the pixel count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A side below the minimum, naming the parameter.</exception>
    /// <exception cref="ArgumentException">Fewer than two classes, or a class named twice.</exception>
    /// <exception cref="FileNotFoundException">A pretrained model file is missing.</exception>
    /// <exception cref="InvalidDataException">A pretrained model file is not the expected model.</exception>
    public static DlClassifier CreatePretrainedClassifier(IReadOnlyList<string> classNames,
        DlClassifierParam? parameters, int width, int height)
    {
        CheckClassNames(classNames);
        float[] meanImage = CntkResNet18Weights.MeanImage(width, height);
        parameters ??= new DlClassifierParam();
        nn.Module<Tensor, Tensor> network = Create(NetworkArchitecture.CntkResNet18, 3, width, height,
            classNames.Count, parameters.Seed, pretrained: true);
        return new DlClassifier(NetworkArchitecture.CntkResNet18, classNames, width, height, 3, parameters, network)
        {
            PretrainedWeights = CntkResNet18Weights.Source,
            Normalization = InputNormalization.BgrMeanImage,
            MeanImage = meanImage,
        };
    }

    /// <summary>A new, untrained classifier.</summary>
    /// <exception cref="ArgumentException">The classes or the image size do not fit the architecture.</exception>
    public static DlClassifier CreateClassifier(NetworkArchitecture architecture, IReadOnlyList<string> classNames,
        int width, int height, int channels, DlClassifierParam? parameters = null)
    {
        CheckClassNames(classNames);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels,
                "Images must have 1 (grey) or 3 (colour) channels.");
        }
        if (architecture == NetworkArchitecture.CntkResNet18)
        {
            if (channels != 3)
            {
                throw new ArgumentException($"{architecture} takes colour images, not {channels}-channel ones; grey " +
                    "images are repeated into three channels when read.", nameof(channels));
            }
            CntkResNet18Weights.RequireInputSize(width, nameof(width));
            CntkResNet18Weights.RequireInputSize(height, nameof(height));
        }
        parameters ??= new DlClassifierParam();
        nn.Module<Tensor, Tensor> network =
            Create(architecture, channels, width, height, classNames.Count, parameters.Seed);
        return new DlClassifier(architecture, classNames, width, height, channels, parameters, network);
    }

    private static void CheckClassNames(IReadOnlyList<string> classNames)
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
    }

    /// <summary>The smallest width and height an architecture takes.</summary>
    public static int MinimumSide(NetworkArchitecture architecture) => architecture switch
    {
        NetworkArchitecture.CompactCnn => CompactCnn.MinimumSize,
        NetworkArchitecture.ResNet18 or NetworkArchitecture.ResNet50 => ResNet.MinimumSize,
        NetworkArchitecture.MobileNetV2 => MobileNetV2.MinimumSize,
        NetworkArchitecture.CntkResNet18 => CntkResNet18Weights.InputSize,
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown architecture."),
    };
}
