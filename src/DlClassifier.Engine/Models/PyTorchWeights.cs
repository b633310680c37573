using System.Globalization;
using System.Security.Cryptography;
using DlClassifier.Engine.Persistence;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Models;

/// <summary>
/// PyTorch weights that do not fit a classifier's network: entries the network has and the file lacks, entries
/// the file has and the network lacks, and entries of different shapes. Each list is complete.
/// </summary>
public sealed class WeightMismatchException : Exception
{
    // How many names of each kind the message shows; the lists themselves are complete.
    private const int Shown = 5;

    public WeightMismatchException(string path, NetworkArchitecture architecture, IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected, IReadOnlyList<string> shapeMismatches)
        : base(Describe(path, architecture, missing, unexpected, shapeMismatches))
    {
        Path = path;
        Architecture = architecture;
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
        ShapeMismatches = shapeMismatches;
    }

    public string Path { get; }

    public NetworkArchitecture Architecture { get; }

    public IReadOnlyList<string> MissingKeys { get; }

    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Each as "key: file a×b, network c×d".</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }

    private static string Describe(string path, NetworkArchitecture architecture, IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected, IReadOnlyList<string> shapeMismatches)
    {
        var parts = new List<string>();
        Add(parts, missing, "missing key", "missing keys");
        Add(parts, unexpected, "unexpected key", "unexpected keys");
        Add(parts, shapeMismatches, "shape mismatch", "shape mismatches");
        string layout = architecture == NetworkArchitecture.CompactCnn
            ? "a CompactCnn of the same input size"
            : $"torchvision's {architecture.ToString().ToLowerInvariant()}";
        return $"The weights in '{path}' do not fit {architecture}: {string.Join("; ", parts)}. " +
               $"Use weights saved from {layout}, or create the classifier with the architecture they were saved " +
               "from.";
    }

    private static void Add(List<string> parts, IReadOnlyList<string> items, string one, string many)
    {
        if (items.Count == 0)
        {
            return;
        }
        string shown = string.Join(", ", items.Take(Shown));
        string more = items.Count > Shown ? $", and {items.Count - Shown} more" : "";
        parts.Add($"{items.Count} {(items.Count == 1 ? one : many)} ({shown}{more})");
    }
}

/// <summary>Loads PyTorch weights into a new classifier's network, matched by state-dict key.</summary>
/// <remarks>
/// Every entry of the network must be in the file with the network's shape, and the file must hold nothing
/// else, with three allowances. The classification head (the last linear layer) is taken only when its shape
/// fits the classifier's class count; otherwise, or when the file has none, it keeps its drawn weights, so
/// ImageNet weights can start a classifier of a few classes. A colour first convolution (…×3×k×k) is loaded
/// into a grey network (…×1×k×k) summed over its three input channels, which gives a grey image exactly the
/// response the colour kernel gives the same image repeated in three channels. And batch norms' batch
/// counters (num_batches_tracked), which files from old PyTorch versions lack, may be missing: they count
/// batches and do not change any output.
/// </remarks>
public static class PyTorchWeights
{
    private const string BatchCounter = "num_batches_tracked";

    /// <summary>Loads the weights of a safetensors file or a state dict saved by <c>torch.save</c>.</summary>
    /// <param name="classifier">A classifier that has not been trained.</param>
    /// <param name="path">The weight file.</param>
    /// <returns>What was loaded; also set as the classifier's <see cref="DlClassifier.Pretrained"/>.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WeightFileException">The file is not a weight file, or is damaged.</exception>
    /// <exception cref="WeightMismatchException">The file's entries do not fit the network; nothing was changed.
    /// </exception>
    /// <exception cref="InvalidOperationException">The classifier has been trained.</exception>
    public static PretrainedWeights Load(DlClassifier classifier, string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (classifier.History.Count > 0)
        {
            throw new InvalidOperationException(
                "Weights are loaded only into a classifier that has not been trained yet.");
        }
        lock (classifier.Gate)
        {
            using var scope = NewDisposeScope();
            (Dictionary<string, Tensor> file, WeightFileFormat format) = PyTorchStateFile.Read(fullPath);
            nn.Module<Tensor, Tensor> network = classifier.Network;
            Plan plan = MakePlan(network, file, fullPath, classifier.Architecture);

            using (no_grad())
            {
                Dictionary<string, Tensor> target = network.state_dict();
                foreach (string key in plan.Copied)
                {
                    target[key].copy_(file[key]);
                }
                if (plan.Summed is { } summed)
                {
                    target[summed].copy_(file[summed].sum(1, keepdim: true));
                }
            }
            var loaded = new PretrainedWeights
            {
                FileName = Path.GetFileName(fullPath),
                Sha256 = FileHash(fullPath),
                Format = format,
                LoadedEntries = plan.Copied.Count + (plan.Summed is null ? 0 : 1),
                KeptNew = plan.KeptNew.ToArray(),
                FileClassCount = plan.FileClassCount,
                SummedOverChannels = plan.Summed,
            };
            classifier.Pretrained = loaded;
            return loaded;
        }
    }

    /// <summary>Decides for each entry of the network where its value comes from, or throws on a mismatch.</summary>
    private static Plan MakePlan(nn.Module<Tensor, Tensor> network, Dictionary<string, Tensor> file, string path,
        NetworkArchitecture architecture)
    {
        Dictionary<string, Tensor> target = network.state_dict();
        (string? firstConvolution, string[] head) = Landmarks(network);
        var plan = new Plan();
        var missing = new List<string>();
        var mismatches = new List<string>();

        // The head is taken whole or not at all: a weight from the file with a drawn bias would fit nothing.
        bool headFits = head.All(key => file.TryGetValue(key, out Tensor? value)
                                        && value.shape.SequenceEqual(target[key].shape));
        if (head.Length > 0 && file.TryGetValue(head[0], out Tensor? fileHead) && fileHead.dim() > 0)
        {
            plan.FileClassCount = fileHead.shape[0];
        }

        foreach ((string key, Tensor value) in target)
        {
            if (head.Contains(key) && !headFits)
            {
                plan.KeptNew.Add(key);
            }
            else if (!file.TryGetValue(key, out Tensor? source))
            {
                if (!key.EndsWith(BatchCounter, StringComparison.Ordinal))
                {
                    missing.Add(key);
                }
            }
            else if (source.shape.SequenceEqual(value.shape))
            {
                plan.Copied.Add(key);
            }
            else if (key == firstConvolution && IsColourForGrey(source, value))
            {
                plan.Summed = key;
            }
            else
            {
                mismatches.Add($"{key}: file {Shape(source)}, network {Shape(value)}");
            }
        }
        List<string> unexpected = file.Keys.Where(key => !target.ContainsKey(key))
            .OrderBy(key => key, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0 || mismatches.Count > 0)
        {
            throw new WeightMismatchException(path, architecture, missing, unexpected, mismatches);
        }
        return plan;
    }

    /// <summary>
    /// The state-dict key of the first convolution's weight and the keys of the last linear layer (the
    /// classification head in every architecture here), found by walking the modules in order.
    /// </summary>
    private static (string? FirstConvolution, string[] Head) Landmarks(nn.Module network)
    {
        string? firstConvolution = null;
        string? lastLinear = null;
        foreach ((string name, nn.Module module) in network.named_modules())
        {
            if (module is Conv2d && firstConvolution is null)
            {
                firstConvolution = $"{name}.weight";
            }
            else if (module is Linear)
            {
                lastLinear = name;
            }
        }
        return (firstConvolution, lastLinear is null
            ? Array.Empty<string>()
            : new[] { $"{lastLinear}.weight", $"{lastLinear}.bias" });
    }

    private static bool IsColourForGrey(Tensor source, Tensor target) =>
        source.dim() == 4 && target.dim() == 4 && source.shape[1] == 3 && target.shape[1] == 1
        && source.shape[0] == target.shape[0] && source.shape[2] == target.shape[2]
        && source.shape[3] == target.shape[3];

    private static string Shape(Tensor tensor) => tensor.dim() == 0
        ? "scalar"
        : string.Join("×", tensor.shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    private static string FileHash(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private sealed class Plan
    {
        public List<string> Copied { get; } = new();

        public List<string> KeptNew { get; } = new();

        public string? Summed { get; set; }

        public long? FileClassCount { get; set; }
    }
}
