using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Training;

/// <summary>
/// Where a training stopped, so that the next one continues exactly as an unbroken run would: the weights and
/// optimiser state (momentum buffers or Adam moments) at the end of the last completed epoch, and the early-stopping
/// count. The classifier itself holds the best epoch's weights, which are usually older.
/// </summary>
internal sealed class ResumeState
{
    public ResumeState(byte[] weights, byte[] optimizer, Solver solver, int evaluationsWithoutGain,
        TransferMode transferMode = TransferMode.FineTune)
    {
        Weights = weights;
        Optimizer = optimizer;
        Solver = solver;
        EvaluationsWithoutGain = evaluationsWithoutGain;
        TransferMode = transferMode;
    }

    /// <summary>The network's state dictionary after the last completed epoch, in TorchSharp's module format.</summary>
    public byte[] Weights { get; }

    /// <summary>TorchSharp's own optimiser format (not PyTorch's), readable by the same solver only.</summary>
    public byte[] Optimizer { get; }

    public Solver Solver { get; }

    /// <summary>
    /// Which parameters the optimiser state covers: the head alone (HeadOnly) or every layer (FineTune, and every
    /// network without pretrained weights).
    /// </summary>
    public TransferMode TransferMode { get; }

    /// <summary>Evaluations since the validation error last improved, for early stopping.</summary>
    public int EvaluationsWithoutGain { get; }

    /// <summary>Serialises the network and optimiser as they are now.</summary>
    public static ResumeState Capture(nn.Module module, optim.Optimizer optimizer, Solver solver,
        int evaluationsWithoutGain, TransferMode transferMode) =>
        new(ModuleBytes(module), OptimizerBytes(optimizer), solver, evaluationsWithoutGain, transferMode);

    /// <summary>A module's state dictionary in TorchSharp's format.</summary>
    public static byte[] ModuleBytes(nn.Module module)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            module.save(writer);
        }
        return buffer.ToArray();
    }

    /// <summary>The SHA-256 of a module's weights in TorchSharp's format, as upper-case hexadecimal.</summary>
    public static string Hash(nn.Module module) => Convert.ToHexString(SHA256.HashData(ModuleBytes(module)));

    /// <summary>Puts the saved weights into the network (on whatever device it is).</summary>
    public void RestoreWeights(nn.Module module)
    {
        using var reader = new BinaryReader(new MemoryStream(Weights));
        module.load(reader, strict: true);
    }

    /// <summary>Puts the saved optimiser state into a freshly created optimiser of the same solver.</summary>
    /// <exception cref="InvalidOperationException">The state belongs to another optimiser or does not fit.</exception>
    public void RestoreOptimizer(optim.Optimizer optimizer)
    {
        if (optimizer is not TorchSharp.Modules.OptimizerHelper helper)
        {
            throw new InvalidOperationException($"The optimiser {optimizer.GetType().Name} cannot load a saved state.");
        }
        using var reader = new BinaryReader(new MemoryStream(Optimizer));
        try
        {
            helper.load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException)
        {
            throw new InvalidOperationException(
                "The saved optimiser state does not fit this network or solver. Train a new classifier, or load a " +
                "checkpoint of this one.", e);
        }
    }

    private static byte[] OptimizerBytes(optim.Optimizer optimizer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(writer);
        }
        return buffer.ToArray();
    }
}
