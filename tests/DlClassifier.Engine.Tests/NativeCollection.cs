using Xunit;

namespace DlClassifier.Engine.Tests;

/// <summary>
/// Tests that load native libraries (libtorch, SkiaSharp) run one after another: their global state is not
/// safe to share between parallel tests.
/// </summary>
[CollectionDefinition("Native", DisableParallelization = true)]
public sealed class NativeCollection
{
}
