using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace DlClassifier.Loader;

/// <summary>
/// Loads the module's engine and its third-party libraries, managed and native, from the module's
/// <c>dependencies</c> folder, whatever versions of the same libraries the session has loaded elsewhere.
/// </summary>
/// <remarks>
/// An assembly that is not in the folder (the .NET libraries, System.Management.Automation) is left to the
/// default context, so that the engine and PowerShell share one copy of each framework type.
/// </remarks>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _folder;

    /// <summary>Creates the context for the libraries in <paramref name="folder"/>.</summary>
    public DependencyLoadContext(string folder)
        : base("DlClassifier", isCollectible: false)
    {
        _folder = folder;
    }

    /// <summary>The folder the context loads from.</summary>
    public string Folder => _folder;

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string path = Path.Combine(_folder, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    /// <inheritdoc/>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (string candidate in GetNativeFileNames(unmanagedDllName))
        {
            string path = Path.Combine(_folder, candidate);
            if (File.Exists(path))
            {
                return LoadUnmanagedDllFromPath(path);
            }
        }

        // Zero lets the runtime search the usual places, which finds the system's own libraries (libc, libm).
        return IntPtr.Zero;
    }

    /// <summary>
    /// The file names a native library may have on this platform: P/Invoke declarations name it without
    /// prefix and extension ("libSkiaSharp", "LibTorchSharp"), the files carry both.
    /// </summary>
    private static IEnumerable<string> GetNativeFileNames(string name)
    {
        yield return name;
        string prefix = OperatingSystem.IsWindows() ? string.Empty : "lib";
        string extension = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        if (!name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
        {
            yield return name + extension;
            if (prefix.Length > 0 && !name.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return prefix + name + extension;
            }
        }
    }
}
