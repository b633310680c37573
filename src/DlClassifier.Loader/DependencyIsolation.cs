using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace DlClassifier.Loader;

/// <summary>
/// Runs when PowerShell imports the module (the manifest names this assembly in NestedModules, which are
/// imported before the root module) and routes the cmdlet assembly's references to the engine and its
/// libraries into a <see cref="DependencyLoadContext"/>.
/// </summary>
/// <remarks>
/// The cmdlet assembly stays in the default context, where PowerShell loads every binary module, and refers to
/// little else: the engine, and TorchSharp where an engine type derives from a TorchSharp one. The default
/// context asks this hook only for what it cannot find itself; an assembly found in the dependency folder is
/// then handed over from the isolated context, so both sides share one copy. The engine's own references are
/// resolved by the isolated context alone. The engine and its libraries live in a folder the default context
/// never probes (<c>dependencies</c>), so the default context cannot load them by accident.
/// A shortcoming remains: were another module to load a different TorchSharp into the default context first,
/// the cmdlet assembly would bind to that copy. ImageSharp and SkiaSharp, which other modules do ship, are
/// never referenced by the cmdlet assembly and so are fully isolated.
/// This follows the pattern PowerShell's documentation describes for resolving module assembly conflicts.
/// </remarks>
public sealed class DependencyIsolation : IModuleAssemblyInitializer
{
    /// <summary>The folder, beside this assembly, that holds the engine and its libraries.</summary>
    public const string DependencyFolderName = "dependencies";

    private const string EngineAssemblyName = "DlClassifier.Engine";

    private static readonly object Gate = new();
    private static DependencyLoadContext? _context;

    /// <summary>The isolated context, once the module has been imported; null before.</summary>
    public static AssemblyLoadContext? Context => _context;

    /// <summary>Creates the isolated context and hooks the default context's resolution, once per process.</summary>
    public void OnImport()
    {
        lock (Gate)
        {
            // A second import (Import-Module -Force, or a new runspace) must reuse the context: the engine's
            // types are already bound to it, and a second copy of libtorch's managed side would not share state.
            if (_context is not null)
            {
                return;
            }
            string moduleFolder = Path.GetDirectoryName(typeof(DependencyIsolation).Assembly.Location)!;
            _context = new DependencyLoadContext(Path.Combine(moduleFolder, DependencyFolderName));
            AssemblyLoadContext.Default.Resolving += ResolveDependency;
            RegisterEngineTypeNames(_context);
        }
    }

    /// <summary>
    /// Makes the engine's public types resolvable by name in scripts, as in <c>[DlClassifier.Engine.DlClassifier]</c>.
    /// </summary>
    /// <remarks>
    /// PowerShell resolves a type literal only among the assemblies of the default context, so without this the
    /// engine's types would need their assembly-qualified names. A type accelerator under the type's full name
    /// is the one public-facing hook that reaches them; the accelerator table is internal to PowerShell, hence the
    /// reflection. Loading the engine here loads TorchSharp's managed assembly where engine types derive from
    /// its types, but not libtorch: the natives load on the first tensor operation.
    /// </remarks>
    private static void RegisterEngineTypeNames(DependencyLoadContext context)
    {
        MethodInfo? add = typeof(PSObject).Assembly
            .GetType("System.Management.Automation.TypeAccelerators")
            ?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, new[] { typeof(string), typeof(Type) });
        if (add is null)
        {
            // A future PowerShell without the table still runs every cmdlet; only type literals would fail.
            return;
        }

        Assembly engine = context.LoadFromAssemblyName(new AssemblyName(EngineAssemblyName));
        Type?[] types;
        try
        {
            types = engine.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException exception)
        {
            types = exception.Types;
        }
        foreach (Type? type in types)
        {
            if (type?.FullName is { } fullName && !type.IsNested)
            {
                add.Invoke(null, new object[] { fullName, type });
            }
        }
    }

    private static Assembly? ResolveDependency(AssemblyLoadContext defaultContext, AssemblyName assemblyName)
    {
        DependencyLoadContext? context = _context;
        if (context is null || !File.Exists(Path.Combine(context.Folder, assemblyName.Name + ".dll")))
        {
            return null;
        }
        return context.LoadFromAssemblyName(assemblyName);
    }
}
