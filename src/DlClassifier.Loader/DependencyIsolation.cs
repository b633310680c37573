using System.Management.Automation;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
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
    /// is the one hook that reaches them; the accelerator table is internal to PowerShell, hence the reflection.
    /// The public type names are read from the engine's metadata rather than from the loaded types: loading the
    /// network types (which derive from TorchSharp's Module) would load TorchSharp on every import. Those types
    /// are skipped, as scripts never name them; every other type loads without TorchSharp.
    /// </remarks>
    private static void RegisterEngineTypeNames(DependencyLoadContext context)
    {
        MethodInfo? add = typeof(PSObject).Assembly
            .GetType("System.Management.Automation.TypeAccelerators")
            ?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, new[] { typeof(string), typeof(Type) });
        string enginePath = Path.Combine(context.Folder, EngineAssemblyName + ".dll");
        if (add is null || !File.Exists(enginePath))
        {
            // A future PowerShell without the table still runs every cmdlet; only type literals would fail.
            return;
        }

        Assembly engine = context.LoadFromAssemblyName(new AssemblyName(EngineAssemblyName));
        foreach (string fullName in ReadPublicTypeNames(enginePath))
        {
            if (engine.GetType(fullName, throwOnError: false) is { } type)
            {
                add.Invoke(null, new object[] { fullName, type });
            }
        }
    }

    /// <summary>
    /// The full names of the public top-level types in an assembly file whose base type is declared in that
    /// assembly or in the .NET libraries, not in another package.
    /// </summary>
    private static List<string> ReadPublicTypeNames(string assemblyPath)
    {
        using FileStream stream = File.OpenRead(assemblyPath);
        using PEReader peReader = new(stream);
        MetadataReader reader = peReader.GetMetadataReader();
        List<string> names = new();
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            TypeDefinition definition = reader.GetTypeDefinition(handle);
            if ((definition.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public ||
                HasPackageBaseType(reader, definition.BaseType))
            {
                continue;
            }
            string space = reader.GetString(definition.Namespace);
            string name = reader.GetString(definition.Name);
            names.Add(space.Length == 0 ? name : space + "." + name);
        }
        return names;
    }

    private static bool HasPackageBaseType(MetadataReader reader, EntityHandle baseType)
    {
        // A generic base such as Module<Tensor, Tensor> is a type specification; the engine only uses those for
        // TorchSharp modules, so it counts as a package base type.
        if (baseType.Kind == HandleKind.TypeSpecification)
        {
            return true;
        }
        if (baseType.Kind != HandleKind.TypeReference)
        {
            return false;
        }
        TypeReference reference = reader.GetTypeReference((TypeReferenceHandle)baseType);
        if (reference.ResolutionScope.Kind != HandleKind.AssemblyReference)
        {
            return false;
        }
        AssemblyReference assembly = reader.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope);
        string assemblyName = reader.GetString(assembly.Name);
        return !(assemblyName.StartsWith("System", StringComparison.Ordinal) || assemblyName == "mscorlib" ||
            assemblyName == "netstandard");
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
