using DlClassifier.Engine.Models;
using Xunit;

namespace DlClassifier.Engine.Tests.Support;

/// <summary>
/// A test that needs the pretrained model files, which the build copies from a NuGet package: it is skipped,
/// with the path it looked for, when they are missing (a build without that package), and runs otherwise.
/// </summary>
public sealed class PretrainedModelFactAttribute : FactAttribute
{
    public PretrainedModelFactAttribute()
    {
        string? missing = new[] { CntkResNet18Weights.BackbonePath, CntkResNet18Weights.PreprocessingPath }
            .FirstOrDefault(path => !File.Exists(path));
        if (missing is not null)
        {
            Skip = $"The pretrained model file '{missing}' is missing: the package {CntkResNet18Weights.PackageId} " +
                   $"{CntkResNet18Weights.PackageVersion} was not restored into this build.";
        }
    }
}

/// <summary>Files of the repository that tests read, found from the test assembly's folder upwards.</summary>
public static class RepositoryFiles
{
    /// <summary>A Fashion-MNIST sample image of the repository: a real photograph of a garment, 28×28 grey.</summary>
    public static string FashionSample(string className, string fileName) =>
        Path.Combine(Root, "samples", "fashion-mnist", className, fileName);

    private static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (Directory.Exists(Path.Combine(folder.FullName, "samples", "fashion-mnist")))
                {
                    return folder.FullName;
                }
            }
            throw new DirectoryNotFoundException($"No samples/fashion-mnist above '{AppContext.BaseDirectory}'.");
        }
    }
}
