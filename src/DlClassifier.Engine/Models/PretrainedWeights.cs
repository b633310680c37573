using DlClassifier.Engine.Persistence;

namespace DlClassifier.Engine.Models;

/// <summary>
/// Where a classifier's starting weights came from when they were read from a PyTorch weight file instead of
/// drawn at random, and what was done to fit them. A classifier with it keeps these weights when its first
/// training starts, where a classifier without it draws its weights again from the seed.
/// </summary>
public sealed class PretrainedWeights
{
    /// <summary>The name of the weight file, without its folder.</summary>
    public string FileName { get; init; } = "";

    /// <summary>The SHA-256 of the weight file, as upper-case hexadecimal.</summary>
    public string Sha256 { get; init; } = "";

    public WeightFileFormat Format { get; init; }

    /// <summary>How many state-dict entries (parameters and batch-norm statistics) were taken from the file.</summary>
    public int LoadedEntries { get; init; }

    /// <summary>The classification head's entries left as drawn: the file's did not fit or were absent.</summary>
    public string[] KeptNew { get; init; } = Array.Empty<string>();

    /// <summary>The classes of the file's classification head, when it had one.</summary>
    public long? FileClassCount { get; init; }

    /// <summary>The first convolution's weight, when colour kernels were summed over channels for grey input.</summary>
    public string? SummedOverChannels { get; init; }

    public override string ToString() => $"{FileName} ({Format}, {LoadedEntries} entries)";
}
