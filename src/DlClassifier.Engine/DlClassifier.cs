using DlClassifier.Engine.Data;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Engine;

/// <summary>
/// A classifier handle, as in HALCON: the network with its classes, input size, preprocessing,
/// hyperparameters and training history. Training changes it in place.
/// </summary>
public sealed class DlClassifier : IDisposable
{
    private readonly object gate = new();
    private nn.Module<Tensor, Tensor> network;
    private int lastTrainingBatches;

    internal DlClassifier(NetworkArchitecture architecture, IReadOnlyList<string> classNames, int imageWidth,
        int imageHeight, int imageChannels, DlClassifierParam parameters, nn.Module<Tensor, Tensor> network)
    {
        Architecture = architecture;
        ClassNames = classNames.ToArray();
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        ImageChannels = imageChannels;
        Parameters = parameters;
        this.network = network;
    }

    /// <summary>The class names in the order of the network's outputs.</summary>
    public string[] ClassNames { get; }

    public NetworkArchitecture Architecture { get; }

    public int ImageWidth { get; }

    public int ImageHeight { get; }

    /// <summary>1 for grey input, 3 for colour input.</summary>
    public int ImageChannels { get; }

    /// <summary>
    /// Where the network's starting weights come from, such as ImageNet; null for weights drawn at random.
    /// A first training starts again from these weights, with the head drawn from the seed.
    /// </summary>
    public string? PretrainedWeights { get; internal set; }

    public bool IsPretrained => PretrainedWeights is not null;

    /// <summary>How pixel values become network input; see <see cref="InputNormalization"/>.</summary>
    public InputNormalization Normalization { get; internal set; } = InputNormalization.ChannelStatistics;

    /// <summary>
    /// For <see cref="InputNormalization.BgrMeanImage"/>: the image subtracted from the input, channels × height ×
    /// width on the 0 to 255 scale in blue, green, red order. Null otherwise.
    /// </summary>
    internal float[]? MeanImage { get; set; }

    /// <summary>The per-channel mean subtracted from pixel values in 0..1; set from the training images.</summary>
    public float[]? NormalizationMean { get; internal set; }

    /// <summary>The per-channel standard deviation pixel values are divided by after the mean is subtracted.</summary>
    public float[]? NormalizationStd { get; internal set; }

    /// <summary>The hyperparameters used by the next training.</summary>
    public DlClassifierParam Parameters { get; internal set; }

    /// <summary>Every epoch trained so far, in order, across trainings.</summary>
    public List<DlEpochRecord> History { get; } = new();

    /// <summary>The epoch whose weights the classifier holds, chosen by validation error.</summary>
    public int? BestEpoch { get; internal set; }

    public double? BestValidationError { get; internal set; }

    /// <summary>
    /// The temperature T that the network's outputs are divided by before the softmax: 1 leaves them as
    /// trained, above 1 softens over-confident probabilities. Fitted by temperature scaling on held-out images.
    /// </summary>
    public double Temperature { get; private set; } = 1;

    /// <summary>When the test split was first evaluated; the test set is meant to be used once.</summary>
    public DateTimeOffset? TestEvaluatedAt { get; internal set; }

    public bool IsTrained => BestEpoch is not null;

    /// <summary>
    /// The PyTorch weight file the starting weights were read from; null when they were drawn from the seed.
    /// </summary>
    public PretrainedWeights? Pretrained { get; internal set; }

    /// <summary>
    /// True while the classification head holds drawn weights: before the first training, unless every weight,
    /// the head's included, came from a PyTorch file.
    /// </summary>
    public bool PredictsAtRandom => !IsTrained && (Pretrained is null || Pretrained.KeptNew.Length > 0);

    /// <summary>True when the weights and optimiser state of the last completed epoch are kept for resuming.</summary>
    public bool CanResume => Resume is not null;

    /// <summary>Batches trained by the running or latest training of this handle, cancelled epochs' too.</summary>
    public int LastTrainingBatches => lastTrainingBatches;

    /// <summary>
    /// Batches the most recent training still trained after it was asked to stop: 0, or 1 when a batch was under way.
    /// Null when that training was not stopped.
    /// </summary>
    public int? BatchesAfterStopRequest { get; internal set; }

    public int ParameterCount => (int)network.parameters().Sum(p => p.numel());

    internal nn.Module<Tensor, Tensor> Network => network;

    /// <summary>Where the last training stopped; null for a new classifier or a file saved without it.</summary>
    internal ResumeState? Resume { get; set; }

    internal IClassifierNetwork Explainable => (IClassifierNetwork)network;

    /// <summary>Serialises use of the network: training and inference must not interleave on one handle.</summary>
    internal object Gate => gate;

    /// <summary>Changes hyperparameters: all the changes are validated together and applied only if all hold.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range, or the transfer mode is HeadOnly for
    /// a classifier without pretrained weights; nothing was changed.</exception>
    public void UpdateParameters(Action<DlClassifierParam> change)
    {
        DlClassifierParam updated = Parameters.Clone();
        change(updated);
        updated.Validate();
        if (updated.TransferMode == TransferMode.HeadOnly && !IsPretrained)
        {
            // A head on a backbone of random weights would learn from features that mean nothing.
            throw new ArgumentOutOfRangeException(nameof(DlClassifierParam.TransferMode), updated.TransferMode,
                $"TransferMode HeadOnly needs a classifier with pretrained weights; this {Architecture} has " +
                "weights drawn at random. Create one with New-DlClassifier -Pretrained, or keep FineTune.");
        }
        Parameters = updated;
    }

    /// <summary>
    /// The SHA-256 of the weights the classifier holds, as upper-case hexadecimal: equal hashes mean equal weights,
    /// bit for bit. It is the hash a classifier file records for its weights.
    /// </summary>
    public string GetWeightsHash()
    {
        lock (gate)
        {
            return ResumeState.Hash(network);
        }
    }

    /// <summary>Records the first evaluation on the test split; later ones keep the first date.</summary>
    public void MarkTestEvaluated(DateTimeOffset when) => TestEvaluatedAt ??= when;

    /// <summary>Sets the temperature used from the next prediction on; 1 turns calibration off.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not a positive finite number.</exception>
    public void SetTemperature(double temperature)
    {
        if (!double.IsFinite(temperature) || temperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature,
                "The temperature must be a positive finite number.");
        }
        Temperature = temperature;
    }

    internal void CountBatches(int value) => Interlocked.Exchange(ref lastTrainingBatches, value);

    internal void ReplaceNetwork(nn.Module<Tensor, Tensor> replacement)
    {
        nn.Module<Tensor, Tensor> old = network;
        network = replacement;
        old.Dispose();
    }

    /// <summary>
    /// The per-channel mean and deviation of <see cref="InputNormalization.ChannelStatistics"/>: the fitted ones,
    /// or 0.5 before fitting.
    /// </summary>
    internal (float[] Mean, float[] Std) EffectiveNormalization() =>
        (NormalizationMean ?? Enumerable.Repeat(0.5f, ImageChannels).ToArray(),
         NormalizationStd ?? Enumerable.Repeat(0.5f, ImageChannels).ToArray());

    /// <summary>
    /// Turns a batch of images in 0..1 (batch × channels × height × width, red, green, blue) into the network's
    /// input, by the classifier's <see cref="Normalization"/>.
    /// </summary>
    internal Tensor Normalize(Tensor batch)
    {
        using var scope = NewDisposeScope();
        if (Normalization == InputNormalization.BgrMeanImage)
        {
            float[] meanImage = MeanImage
                ?? throw new InvalidOperationException("The classifier's mean image is missing.");
            Tensor mean = tensor(meanImage, new long[] { 1, ImageChannels, ImageHeight, ImageWidth }).to(batch.device);
            return (batch.flip(1) * 255f - mean).MoveToOuterDisposeScope();
        }
        (float[] channelMean, float[] channelStd) = EffectiveNormalization();
        Tensor meanTensor = tensor(channelMean, new long[] { 1, ImageChannels, 1, 1 }).to(batch.device);
        Tensor stdTensor = tensor(channelStd, new long[] { 1, ImageChannels, 1, 1 }).to(batch.device);
        return ((batch - meanTensor) / stdTensor).MoveToOuterDisposeScope();
    }

    public void Dispose() => network.Dispose();

    public override string ToString() =>
        $"{Architecture}{(IsPretrained ? " (pretrained)" : "")} {ImageWidth}×{ImageHeight}×{ImageChannels}, " +
        $"{ClassNames.Length} classes" +
        (IsTrained ? $", best epoch {BestEpoch}" : ", untrained");
}
