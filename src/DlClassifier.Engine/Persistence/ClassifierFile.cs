using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.IO;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Training;
using TorchSharp;

namespace DlClassifier.Engine.Persistence;

/// <summary>A classifier file that cannot be read, with the reason.</summary>
public sealed class ClassifierFileException : IOException
{
    public ClassifierFileException(string path, string reason, Exception? inner = null)
        : base($"'{path}' is not a readable DlClassifier file: {reason}", inner)
    {
        Path = path;
    }

    public string Path { get; }
}

/// <summary>
/// Saves and loads a classifier as one file: a zip container holding <c>manifest.json</c> (format version,
/// classes, input size, normalisation, architecture, hyperparameters, history), <c>weights.bin</c>
/// (TorchSharp's module format) and, for a classifier whose input has a mean image subtracted,
/// <c>mean-image.bin</c> (its floats, little-endian). Writes go to a temporary file that is then renamed over the
/// target, so a reader never sees a half-written classifier and a failed write leaves the old file intact.
/// </summary>
public static class ClassifierFile
{
    /// <summary>
    /// The format this engine writes; files of a newer format are refused. Version 2 added the pretrained
    /// weights' source, the input normalisation and the mean image; version 1 files load as classifiers trained
    /// from scratch with per-channel statistics, which is all that version could hold.
    /// </summary>
    public const int FormatVersion = 2;

    public const string FormatName = "DlClassifier";

    private const string ManifestEntry = "manifest.json";

    private const string WeightsEntry = "weights.bin";

    private const string OptimizerEntry = "optimizer.bin";

    private const string ResumeWeightsEntry = "resume-weights.bin";

    private const string MeanImageEntry = "mean-image.bin";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(DlClassifier classifier, string path)
    {
        byte[] weights;
        lock (classifier.Gate)
        {
            weights = ResumeState.ModuleBytes(classifier.Network);
        }
        Write(classifier, path, weights, resume: null);
    }

    /// <summary>
    /// Saves a training checkpoint: the best weights so far as the classifier's weights, and beside them the last
    /// completed epoch's weights and optimiser state (<c>resume-weights.bin</c>, <c>optimizer.bin</c>), so that
    /// a training started from the file continues as if it had never stopped. The best weights come in TorchSharp's
    /// format, null when no epoch was evaluated yet.
    /// </summary>
    internal static void SaveCheckpoint(DlClassifier classifier, string path, byte[]? bestWeights)
    {
        ResumeState resume = classifier.Resume
            ?? throw new InvalidOperationException("A checkpoint is written only after an epoch.");
        Write(classifier, path, bestWeights ?? resume.Weights, resume);
    }

    private static void Write(DlClassifier classifier, string path, byte[] weights, ResumeState? resume)
    {
        ClassifierManifest manifest = ClassifierManifest.From(classifier);
        manifest.WeightsSha256 = Convert.ToHexString(SHA256.HashData(weights));
        byte[]? meanImage = classifier.MeanImage is null
            ? null
            : MemoryMarshal.AsBytes(classifier.MeanImage.AsSpan()).ToArray();
        if (meanImage is not null)
        {
            manifest.MeanImageSha256 = Convert.ToHexString(SHA256.HashData(meanImage));
        }
        if (resume is not null)
        {
            manifest.Resume = new ResumeManifest
            {
                Solver = resume.Solver, EvaluationsWithoutGain = resume.EvaluationsWithoutGain,
                WeightsSha256 = Convert.ToHexString(SHA256.HashData(resume.Weights)),
                OptimizerSha256 = Convert.ToHexString(SHA256.HashData(resume.Optimizer)),
                TransferMode = resume.TransferMode,
            };
        }

        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            using (Stream manifestStream = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open())
            {
                JsonSerializer.Serialize(manifestStream, manifest, Json);
            }

            // Float weights barely compress (deflate made them larger), so they are stored as they are; the
            // manifest's hash of them catches damage that a stored entry would otherwise let through.
            WriteEntry(zip, WeightsEntry, weights);
            if (meanImage is not null)
            {
                WriteEntry(zip, MeanImageEntry, meanImage);
            }
            if (resume is not null)
            {
                WriteEntry(zip, ResumeWeightsEntry, resume.Weights);
                WriteEntry(zip, OptimizerEntry, resume.Optimizer);
            }
        });
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] content)
    {
        using Stream stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(content);
    }

    /// <summary>The content of an entry, checked against its recorded hash.</summary>
    private static byte[] ReadEntry(ZipArchive zip, string name, string? sha256, string path)
    {
        ZipArchiveEntry entry = zip.GetEntry(name) ?? throw new ClassifierFileException(path, $"it has no {name}.");
        using Stream stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();
        string actual = Convert.ToHexString(SHA256.HashData(content));
        if (sha256 is not null && !string.Equals(sha256, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new ClassifierFileException(path, $"its {name} is damaged (hash mismatch).");
        }
        return content;
    }

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ClassifierFileException">The file is not ours, is damaged, or is of a newer format.</exception>
    public static DlClassifier Load(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The classifier file '{fullPath}' does not exist.", fullPath);
        }
        try
        {
            using ZipArchive zip = OpenContainer(fullPath);
            ClassifierManifest manifest = ReadManifest(zip, fullPath);
            ZipArchiveEntry weightsEntry = zip.GetEntry(WeightsEntry)
                ?? throw new ClassifierFileException(fullPath, $"it has no {WeightsEntry}.");
            DlClassifier classifier = NetworkFactory.CreateClassifier(manifest.Architecture, manifest.ClassNames,
                manifest.ImageWidth, manifest.ImageHeight, manifest.ImageChannels, manifest.Parameters);
            try
            {
                using Stream weights = weightsEntry.Open();
                using var buffer = new MemoryStream();
                weights.CopyTo(buffer);
                if (manifest.WeightsSha256 is { } expected
                    && !string.Equals(expected, Convert.ToHexString(SHA256.HashData(buffer.ToArray())),
                        StringComparison.OrdinalIgnoreCase))
                {
                    throw new ClassifierFileException(fullPath, $"its {WeightsEntry} is damaged (hash mismatch).");
                }
                buffer.Position = 0;
                using var reader = new BinaryReader(buffer);
                classifier.Network.load(reader, strict: true);
                classifier.Network.eval();
                manifest.ApplyTo(classifier);
                if (manifest.Normalization == InputNormalization.BgrMeanImage)
                {
                    classifier.MeanImage = ReadMeanImage(zip, manifest, fullPath);
                }
                if (manifest.Resume is { } resume)
                {
                    classifier.Resume = new ResumeState(
                        ReadEntry(zip, ResumeWeightsEntry, resume.WeightsSha256, fullPath),
                        ReadEntry(zip, OptimizerEntry, resume.OptimizerSha256, fullPath),
                        resume.Solver, resume.EvaluationsWithoutGain, resume.TransferMode);
                }
                return classifier;
            }
            catch
            {
                classifier.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is InvalidDataException
                                      or JsonException or EndOfStreamException or ArgumentException
                                      or NotSupportedException)
        {
            throw new ClassifierFileException(fullPath, e.Message, e);
        }
    }

    /// <summary>
    /// Opens the file's zip container. A file that is no zip at all is what users meet most (an ONNX model, a
    /// copy cut short, some other file), so the reason says that in their terms rather than in the zip reader's.
    /// </summary>
    private static ZipArchive OpenContainer(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            string reason;
            if (string.Equals(System.IO.Path.GetExtension(path), ".onnx", StringComparison.OrdinalIgnoreCase))
            {
                reason = "it is an ONNX model, and ONNX models cannot be imported: ONNX is an export format for " +
                         "other runtimes. Import the .dlc file the model was exported from.";
            }
            else if (new FileInfo(path).Length == 0)
            {
                reason = "it is empty, so it is damaged or cut short. Export the classifier again " +
                         "(Export-DlClassifier), or copy the file again.";
            }
            else
            {
                reason = "it is not a DlClassifier file, or it is damaged or cut short (as by an interrupted copy " +
                         "or download). Export the classifier again (Export-DlClassifier), or copy the file again.";
            }
            throw new ClassifierFileException(path, reason, e);
        }
    }

    /// <summary>The file's mean image, checked against its hash and size, and that every value is finite.</summary>
    private static float[] ReadMeanImage(ZipArchive zip, ClassifierManifest manifest, string path)
    {
        if (manifest.MeanImageSha256 is null)
        {
            throw new ClassifierFileException(path, $"its manifest gives no hash of {MeanImageEntry}.");
        }
        byte[] bytes = ReadEntry(zip, MeanImageEntry, manifest.MeanImageSha256, path);
        long expected = 4L * manifest.ImageChannels * manifest.ImageHeight * manifest.ImageWidth;
        float[] values = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        if (bytes.Length != expected || !values.All(float.IsFinite))
        {
            throw new ClassifierFileException(path,
                $"its {MeanImageEntry} must hold {expected / 4} finite floats, one per input value.");
        }
        return values;
    }

    private static ClassifierManifest ReadManifest(ZipArchive zip, string path)
    {
        ZipArchiveEntry entry = zip.GetEntry(ManifestEntry)
            ?? throw new ClassifierFileException(path, $"it has no {ManifestEntry}.");
        using Stream stream = entry.Open();
        ClassifierManifest manifest = JsonSerializer.Deserialize<ClassifierManifest>(stream, Json)
            ?? throw new ClassifierFileException(path, "its manifest is empty.");
        if (manifest.Format != FormatName)
        {
            throw new ClassifierFileException(path, $"its manifest names the format '{manifest.Format}'.");
        }
        if (manifest.FormatVersion > FormatVersion)
        {
            throw new ClassifierFileException(path,
                $"it has format version {manifest.FormatVersion}, newer than this module reads ({FormatVersion}). " +
                "Update the DlClassifier module.");
        }
        if (manifest.ClassNames is null || manifest.ClassNames.Length < 2)
        {
            throw new ClassifierFileException(path, "its manifest lists fewer than two classes.");
        }

        // A normalisation that does not fit the input would not fail here but turn every later prediction
        // into an error or, for a zero or NaN deviation, into NaN probabilities without any error at all.
        RequireNormalization(path, manifest.NormalizationMean, nameof(ClassifierManifest.NormalizationMean),
            manifest.ImageChannels, float.IsFinite, "finite number");
        RequireNormalization(path, manifest.NormalizationStd, nameof(ClassifierManifest.NormalizationStd),
            manifest.ImageChannels, value => float.IsFinite(value) && value > 0, "positive finite number");

        // A temperature of zero or below would divide every output by nothing or flip the class order.
        if (!double.IsFinite(manifest.Temperature) || manifest.Temperature <= 0)
        {
            throw new ClassifierFileException(path,
                $"its manifest's Temperature must be a positive finite number, not {manifest.Temperature}.");
        }

        if (manifest.Normalization == InputNormalization.BgrMeanImage && manifest.ImageChannels != 3)
        {
            throw new ClassifierFileException(path,
                $"its manifest subtracts a colour mean image from {manifest.ImageChannels}-channel input.");
        }

        // Hyperparameters the cmdlets never write would otherwise load and then break the next training.
        manifest.Parameters?.Validate();
        if (manifest.Parameters?.TransferMode == TransferMode.HeadOnly && manifest.PretrainedWeights is null)
        {
            throw new ClassifierFileException(path,
                "its manifest sets TransferMode HeadOnly for a network without pretrained weights.");
        }
        return manifest;
    }

    private static void RequireNormalization(string path, float[]? values, string name, int channels,
        Func<float, bool> isValid, string rule)
    {
        if (values is not null && (values.Length != channels || !values.All(isValid)))
        {
            throw new ClassifierFileException(path,
                $"its manifest's {name} must hold one {rule} per image channel ({channels}), not " +
                $"[{string.Join(", ", values)}].");
        }
    }
}

/// <summary>The JSON manifest of a classifier file.</summary>
internal sealed class ClassifierManifest
{
    public string Format { get; set; } = ClassifierFile.FormatName;

    public int FormatVersion { get; set; } = ClassifierFile.FormatVersion;

    public string EngineVersion { get; set; } = typeof(ClassifierFile).Assembly.GetName().Version?.ToString() ?? "0";

    public DateTimeOffset Saved { get; set; } = DateTimeOffset.UtcNow;

    public NetworkArchitecture Architecture { get; set; }

    public string[] ClassNames { get; set; } = Array.Empty<string>();

    public int ImageWidth { get; set; }

    public int ImageHeight { get; set; }

    public int ImageChannels { get; set; }

    /// <summary>How pixels become network input, in words for a reader of the file; see Normalization.</summary>
    public string Preprocessing { get; set; } = ChannelStatisticsText;

    /// <summary>How pixels become network input. Version 1 files have none and load with ChannelStatistics.</summary>
    public InputNormalization Normalization { get; set; } = InputNormalization.ChannelStatistics;

    /// <summary>Where the starting weights came from (such as ImageNet); null when drawn at random.</summary>
    public string? PretrainedWeights { get; set; }

    /// <summary>The SHA-256 of mean-image.bin (hexadecimal), present when Normalization is BgrMeanImage.</summary>
    public string? MeanImageSha256 { get; set; }

    private const string ChannelStatisticsText =
        "rgb-or-grey/255, exif-oriented, stretched to size, (x-mean)/std";

    private const string MeanImageText =
        "rgb/255 (grey repeated), exif-oriented, stretched to size, reordered to bgr, x*255 - mean-image.bin";

    public float[]? NormalizationMean { get; set; }

    public float[]? NormalizationStd { get; set; }

    public DlClassifierParam Parameters { get; set; } = new();

    public List<DlEpochRecord> History { get; set; } = new();

    public int? BestEpoch { get; set; }

    public double? BestValidationError { get; set; }

    public DateTimeOffset? TestEvaluatedAt { get; set; }

    /// <summary>
    /// The temperature the outputs are divided by before the softmax (temperature scaling). Files written
    /// before calibration existed have none and load with 1, the uncalibrated network.
    /// </summary>
    public double Temperature { get; set; } = 1;

    /// <summary>
    /// The PyTorch weight file the starting weights came from; files without it started from drawn weights.
    /// </summary>
    public PretrainedWeights? Pretrained { get; set; }

    /// <summary>The SHA-256 of weights.bin (hexadecimal), checked on load.</summary>
    public string? WeightsSha256 { get; set; }

    /// <summary>Present in training checkpoints only: where the training stopped; files without it load fine.</summary>
    public ResumeManifest? Resume { get; set; }

    public static ClassifierManifest From(DlClassifier classifier) => new()
    {
        Architecture = classifier.Architecture,
        ClassNames = classifier.ClassNames,
        ImageWidth = classifier.ImageWidth,
        ImageHeight = classifier.ImageHeight,
        ImageChannels = classifier.ImageChannels,
        Normalization = classifier.Normalization,
        Preprocessing = classifier.Normalization == InputNormalization.BgrMeanImage
            ? MeanImageText
            : ChannelStatisticsText,
        PretrainedWeights = classifier.PretrainedWeights,
        NormalizationMean = classifier.NormalizationMean,
        NormalizationStd = classifier.NormalizationStd,
        Parameters = classifier.Parameters,
        History = classifier.History,
        BestEpoch = classifier.BestEpoch,
        BestValidationError = classifier.BestValidationError,
        TestEvaluatedAt = classifier.TestEvaluatedAt,
        Temperature = classifier.Temperature,
        Pretrained = classifier.Pretrained,
    };

    public void ApplyTo(DlClassifier classifier)
    {
        classifier.PretrainedWeights = PretrainedWeights;
        classifier.Normalization = Normalization;
        classifier.NormalizationMean = NormalizationMean;
        classifier.NormalizationStd = NormalizationStd;
        classifier.History.AddRange(History);
        classifier.BestEpoch = BestEpoch;
        classifier.BestValidationError = BestValidationError;
        classifier.TestEvaluatedAt = TestEvaluatedAt;
        classifier.SetTemperature(Temperature);
        classifier.Pretrained = Pretrained;
    }
}

/// <summary>The manifest's record of a checkpoint's resume entries.</summary>
internal sealed class ResumeManifest
{
    public Solver Solver { get; set; }

    public int EvaluationsWithoutGain { get; set; }

    /// <summary>The SHA-256 of resume-weights.bin, the last completed epoch's weights.</summary>
    public string? WeightsSha256 { get; set; }

    /// <summary>The SHA-256 of optimizer.bin, TorchSharp's optimiser state (not PyTorch's format).</summary>
    public string? OptimizerSha256 { get; set; }

    /// <summary>Which parameters the optimiser state covers; files before version 2 have FineTune.</summary>
    public TransferMode TransferMode { get; set; } = TransferMode.FineTune;
}
