using static TorchSharp.torch;

namespace DlClassifier.Engine.Models;

/// <summary>
/// Lists a module's state in PyTorch's order: a module's own parameters, then its own persistent buffers, then
/// each child in turn. TorchSharp lists every parameter of the whole tree before the first buffer, so its order
/// differs from torchvision's for any network with batch norms, although the keys are the same.
/// </summary>
internal static class PyTorchStateOrder
{
    /// <summary>Adds the state of <paramref name="module"/> to the destination, keys below the prefix.</summary>
    public static Dictionary<string, Tensor> StateDict(nn.Module module, Dictionary<string, Tensor>? destination,
        string? prefix)
    {
        destination ??= new Dictionary<string, Tensor>();
        string start = string.IsNullOrEmpty(prefix) ? string.Empty : prefix + ".";
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in module.named_parameters(recurse: false))
        {
            destination.TryAdd(start + name, parameter);
        }
        foreach ((string name, Tensor buffer) in module.named_buffers(recurse: false, include_nonpersistent: false))
        {
            destination.TryAdd(start + name, buffer);
        }
        foreach ((string name, nn.Module child) in module.named_children())
        {
            StateDict(child, destination, start + name);
        }
        return destination;
    }
}
