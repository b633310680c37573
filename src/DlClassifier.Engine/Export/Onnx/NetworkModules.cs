using TorchSharp;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>
/// A network's layers by their state-dict path ("layer1.0.conv1"), so that a graph description reads the layers
/// by the names PyTorch would give them, without the network classes exposing their fields.
/// </summary>
/// <remarks>
/// Internal, as are the other graph-writing types: the module makes every public engine type resolvable by name
/// when it is imported, and loading this one (a dictionary of TorchSharp modules) would load TorchSharp then.
/// </remarks>
internal sealed class NetworkModules
{
    private readonly Dictionary<string, torch.nn.Module> modules;

    public NetworkModules(torch.nn.Module network)
    {
        modules = network.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
    }

    /// <summary>True when the network has a layer at <paramref name="path"/>.</summary>
    public bool Contains(string path) => modules.ContainsKey(path);

    /// <summary>The layer at <paramref name="path"/>, which must be of type <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">There is no such layer, or it is of another type: the
    /// network does not have the layout the graph description expects.</exception>
    public T Get<T>(string path) where T : torch.nn.Module
    {
        if (!modules.TryGetValue(path, out torch.nn.Module? module))
        {
            throw new InvalidOperationException(
                $"The network has no layer '{path}', which its ONNX graph description expects.");
        }
        return module as T ?? throw new InvalidOperationException(
            $"The network's layer '{path}' is a {module.GetType().Name}, not the {typeof(T).Name} its ONNX " +
            "graph description expects.");
    }
}
