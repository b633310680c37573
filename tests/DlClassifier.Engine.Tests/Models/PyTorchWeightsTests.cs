using System.IO.Compression;
using System.Text;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Persistence;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Models;

/// <summary>
/// Loading PyTorch weights into new classifiers. Every weight file is written here, by PyBridge from a
/// TorchSharp network (safetensors, or torch.save's zip format) or by hand.
/// </summary>
[Collection("Native")]
public sealed class PyTorchWeightsTests : IClassFixture<SyntheticImageSet>, IDisposable
{
    private static readonly string[] ThreeClasses = { "a", "b", "c" };
    private static readonly string[] TenClasses = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray();

    private readonly SyntheticImageSet images;
    private readonly TemporaryFolder folder = new("pytorch-weights");

    public PyTorchWeightsTests(SyntheticImageSet images)
    {
        this.images = images;
    }

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(WeightFileFormat.Safetensors)]
    [InlineData(WeightFileFormat.TorchSave)]
    public void Load_SameArchitectureAndClasses_GivesTheSourcesOutputs(WeightFileFormat format)
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.MobileNetV2, channels: 3, classCount: 10);
        string path = Save(source, format);
        using DlClassifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.MobileNetV2, TenClasses,
            32, 32, 3);
        Tensor input = randn(2, 3, 32, 32, generator: new Generator(3));

        PretrainedWeights loaded = PyTorchWeights.Load(classifier, path);

        Tensor expected = Evaluate(source, input);
        Assert.True(expected.eq(Evaluate(classifier.Network, input)).all().item<bool>());
        Assert.Equal(314, loaded.LoadedEntries);
        Assert.Equal(format, loaded.Format);
        Assert.Empty(loaded.KeptNew);
        Assert.Null(loaded.SummedOverChannels);
        Assert.Equal(Path.GetFileName(path), loaded.FileName);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))),
            loaded.Sha256);
        Assert.Same(loaded, classifier.Pretrained);
    }

    [Fact]
    public void Load_FewerClassesThanTheFile_KeepsTheDrawnHeadAndLoadsTheRest()
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.MobileNetV2, channels: 3, classCount: 10);
        string path = Save(source, WeightFileFormat.Safetensors);
        using DlClassifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.MobileNetV2,
            ThreeClasses, 32, 32, 3);
        Tensor drawnHead = classifier.Network.state_dict()["classifier.1.weight"].clone();

        PretrainedWeights loaded = PyTorchWeights.Load(classifier, path);

        Dictionary<string, Tensor> after = classifier.Network.state_dict(), expected = source.state_dict();
        Assert.Equal(new[] { "classifier.1.weight", "classifier.1.bias" }, loaded.KeptNew);
        Assert.Equal(10L, loaded.FileClassCount);
        Assert.Equal(314 - 2, loaded.LoadedEntries);
        Assert.True(drawnHead.eq(after["classifier.1.weight"]).all().item<bool>());
        Assert.All(expected.Keys.Where(key => !key.StartsWith("classifier.", StringComparison.Ordinal)),
            key => Assert.True(expected[key].eq(after[key]).all().item<bool>(), key));
    }

    [Fact]
    public void Load_ColourFileIntoGreyNetwork_SumsTheFirstKernelsOverChannels()
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.ResNet18, channels: 3, classCount: 10);
        string path = Save(source, WeightFileFormat.Safetensors);
        using DlClassifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.ResNet18, TenClasses,
            32, 32, 1);
        Tensor grey = randn(2, 1, 32, 32, generator: new Generator(4));

        PretrainedWeights loaded = PyTorchWeights.Load(classifier, path);

        Tensor kernels = classifier.Network.state_dict()["conv1.weight"];
        Assert.Equal("conv1.weight", loaded.SummedOverChannels);
        Assert.Equal(122, loaded.LoadedEntries);
        Assert.True(source.state_dict()["conv1.weight"].sum(1, keepdim: true).eq(kernels).all().item<bool>());
        // A grey image through the summed kernels answers as the colour network does to the image in three
        // equal channels; only the order of the float additions differs.
        Tensor colourAnswer = Evaluate(source, grey.repeat(1, 3, 1, 1));
        Assert.True(colourAnswer.allclose(Evaluate(classifier.Network, grey), rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Load_GreyFileIntoColourNetwork_ThrowsShapeMismatch()
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.ResNet18, channels: 1, classCount: 10);
        string path = Save(source, WeightFileFormat.Safetensors);
        using DlClassifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.ResNet18, TenClasses,
            32, 32, 3);

        var error = Assert.Throws<WeightMismatchException>(() => PyTorchWeights.Load(classifier, path));

        Assert.Equal(new[] { "conv1.weight: file 64×1×7×7, network 64×3×7×7" }, error.ShapeMismatches);
        Assert.Empty(error.MissingKeys);
        Assert.Empty(error.UnexpectedKeys);
        Assert.Null(classifier.Pretrained);
    }

    [Fact]
    public void Load_RenamedAndResizedEntries_ThrowsListingEachAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.ResNet18, channels: 3, classCount: 10);
        Dictionary<string, Tensor> state = source.state_dict();
        state["layer1.0.convX.weight"] = state["layer1.0.conv1.weight"];
        state.Remove("layer1.0.conv1.weight");
        state["layer2.1.conv2.weight"] = zeros(128, 128, 1, 1);
        string path = folder.Combine("edited.safetensors");
        Safetensors.SaveStateDict(path, state);
        using DlClassifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.ResNet18, TenClasses,
            32, 32, 3);
        string before = classifier.GetWeightsHash();

        var error = Assert.Throws<WeightMismatchException>(() => PyTorchWeights.Load(classifier, path));

        Assert.Equal(new[] { "layer1.0.conv1.weight" }, error.MissingKeys);
        Assert.Equal(new[] { "layer1.0.convX.weight" }, error.UnexpectedKeys);
        Assert.Equal(new[] { "layer2.1.conv2.weight: file 128×128×1×1, network 128×128×3×3" },
            error.ShapeMismatches);
        Assert.Equal(NetworkArchitecture.ResNet18, error.Architecture);
        Assert.Contains(path, error.Message);
        Assert.Contains("do not fit ResNet18: 1 missing key (layer1.0.conv1.weight); " +
                        "1 unexpected key (layer1.0.convX.weight); 1 shape mismatch (layer2.1.conv2.weight: " +
                        "file 128×128×1×1, network 128×128×3×3)", error.Message);
        Assert.Equal(before, classifier.GetWeightsHash());
    }

    [Fact]
    public void Load_OtherArchitecturesFile_ThrowsWithFirstKeysAndCounts()
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.MobileNetV2, channels: 3, classCount: 10);
        string path = Save(source, WeightFileFormat.TorchSave);
        using DlClassifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.ResNet18, TenClasses,
            32, 32, 3);

        var error = Assert.Throws<WeightMismatchException>(() => PyTorchWeights.Load(classifier, path));

        // ResNet-18's 122 entries less its head (2, kept new when the file has none) and its 20 batch counters
        // (allowed to be missing); every one of MobileNetV2's 314 entries is foreign.
        Assert.Equal(100, error.MissingKeys.Count);
        Assert.Equal(314, error.UnexpectedKeys.Count);
        Assert.Contains("100 missing keys (conv1.weight, bn1.weight, bn1.bias, bn1.running_mean, " +
                        "bn1.running_var, and 95 more); 314 unexpected keys (classifier.1.bias, " +
                        "classifier.1.weight, features.0.0.weight, features.0.1.bias, " +
                        "features.0.1.num_batches_tracked, and 309 more)", error.Message);
    }

    [Theory]
    [InlineData(WeightFileFormat.Safetensors, "cut short")]
    [InlineData(WeightFileFormat.TorchSave, "cannot be read as a state dict saved by torch.save")]
    public void Load_TruncatedFile_ThrowsWeightFileException(WeightFileFormat format, string reason)
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.CompactCnn, channels: 1, classCount: 2, side: 16);
        string path = Save(source, format);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole.AsSpan(0, whole.Length - 1000).ToArray());
        using DlClassifier classifier = images.NewClassifier();

        var error = Assert.Throws<WeightFileException>(() => PyTorchWeights.Load(classifier, path));

        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Message);
        Assert.Null(classifier.Pretrained);
    }

    [Theory]
    [InlineData("text", "neither a safetensors file nor a state dict saved by torch.save")]
    [InlineData("short", "it holds only 3 bytes")]
    [InlineData("classifier", "zip archive without the data.pkl")]
    [InlineData("checkpoint", "are not tensors, as in a training checkpoint")]
    public void Load_NotAWeightFile_ThrowsWeightFileExceptionSayingWhy(string kind, string reason)
    {
        string path = folder.Combine($"{kind}.bin");
        using DlClassifier classifier = images.NewClassifier();
        switch (kind)
        {
            case "text":
                File.WriteAllText(path, "These are the notes of a training run, not its weights.\n");
                break;
            case "short":
                File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
                break;
            case "classifier":
                ClassifierFile.Save(classifier, path);
                break;
            case "checkpoint":
                PyTorchPickler.PickleStateDict(path, new System.Collections.Hashtable
                {
                    ["epoch"] = 3, ["model"] = new System.Collections.Hashtable(),
                });
                break;
        }

        var error = Assert.Throws<WeightFileException>(() => PyTorchWeights.Load(classifier, path));

        Assert.Contains(reason, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "exec")]
    [InlineData("subprocess", "call")]
    public void Load_PickleCallingAFunction_RunsNothingAndThrows(string module, string function)
    {
        string marker = folder.Combine("marker.txt");
        string command = function == "exec" ? $"open('{marker}', 'w')" : $"touch {marker}";
        string path = folder.Combine("payload.pt");
        WriteTorchSaveZip(path, $"c{module}\n{function}\n(S'{command}'\ntR.");
        using DlClassifier classifier = images.NewClassifier();

        var error = Assert.Throws<WeightFileException>(() => PyTorchWeights.Load(classifier, path));

        Assert.Contains($"its pickle calls {module}.{function}, which no state dict does. Nothing was run",
            error.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        using DlClassifier classifier = images.NewClassifier();
        string path = Path.Combine(folder.Path, "absent.safetensors");

        var error = Assert.Throws<FileNotFoundException>(() => PyTorchWeights.Load(classifier, path));

        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void ClassifierFile_LoadedWeights_KeepsWhereTheyCameFrom()
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.CompactCnn, channels: 1, classCount: 2, side: 16);
        string path = Save(source, WeightFileFormat.Safetensors);
        using DlClassifier classifier = images.NewClassifier();
        PretrainedWeights loaded = PyTorchWeights.Load(classifier, path);
        string saved = folder.Combine("pretrained.dlc");

        ClassifierFile.Save(classifier, saved);
        using DlClassifier reloaded = ClassifierFile.Load(saved);

        Assert.NotNull(reloaded.Pretrained);
        Assert.Equal((loaded.FileName, loaded.Sha256, loaded.Format, loaded.LoadedEntries),
            (reloaded.Pretrained.FileName, reloaded.Pretrained.Sha256, reloaded.Pretrained.Format,
                reloaded.Pretrained.LoadedEntries));
        Assert.Equal(classifier.GetWeightsHash(), reloaded.GetWeightsHash());
    }

    [Fact]
    public void Train_LoadedWeights_StartsFromThemRatherThanTheSeed()
    {
        using var scope = NewDisposeScope();
        using var source = Source(NetworkArchitecture.CompactCnn, channels: 1, classCount: 2, side: 16);
        string path = Save(source, WeightFileFormat.Safetensors);
        DlClassifierParam parameters = SyntheticImageSet.QuickParameters(epochs: 1);
        parameters.LearningRate = 1e-9;
        using DlClassifier classifier = images.NewClassifier(parameters);
        Tensor seeded = classifier.Network.state_dict()["features.conv0.weight"].clone();
        PyTorchWeights.Load(classifier, path);

        Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);

        Tensor loaded = source.state_dict()["features.conv0.weight"];
        Tensor trained = classifier.Network.state_dict()["features.conv0.weight"];
        Assert.True(loaded.allclose(trained, rtol: 0, atol: 1e-6));
        Assert.True((loaded - seeded).abs().max().item<float>() > 0.01f);
    }

    /// <summary>A network drawn from another seed, with moved batch-norm statistics, as a file's source.</summary>
    private static nn.Module<Tensor, Tensor> Source(NetworkArchitecture architecture, int channels, int classCount,
        int side = 32)
    {
        var network = NetworkFactory.Create(architecture, channels, side, side, classCount, seed: 99);
        using var noGrad = no_grad();
        network.train();
        network.forward(randn(2, channels, side, side, generator: new Generator(7)));
        return network;
    }

    private string Save(nn.Module<Tensor, Tensor> network, WeightFileFormat format)
    {
        string path = folder.Combine(format == WeightFileFormat.Safetensors ? "weights.safetensors" : "weights.pt");
        if (format == WeightFileFormat.Safetensors)
        {
            network.save_safetensors(path);
        }
        else
        {
            network.save_py(path);
        }
        return path;
    }

    private static Tensor Evaluate(nn.Module<Tensor, Tensor> network, Tensor input)
    {
        network.eval();
        using var noGrad = no_grad();
        return network.forward(input);
    }

    /// <summary>A zip archive laid out as torch.save writes one, holding the given pickle as its data.pkl.</summary>
    private static void WriteTorchSaveZip(string path, string pickle)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using Stream stream = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open();
        stream.Write(Encoding.ASCII.GetBytes(pickle));
    }
}
