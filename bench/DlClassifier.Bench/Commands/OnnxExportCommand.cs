using System.Diagnostics;
using DlClassifier.Engine.Export.Onnx;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Persistence;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.Bench.Commands;

/// <summary>
/// The cost of an ONNX export against the native file, per architecture: the time to write each (median of
/// several rounds) and the size of each file.
/// </summary>
internal sealed class OnnxExportCommand : IBenchCommand
{
    public string Name => "OnnxExport";

    public string Summary => "time and size of Export -Format Onnx against the native file, per architecture";

    public int Run(BenchArgs args)
    {
        int rounds = args.Int("rounds", 5);
        string output = Path.Combine(BenchPaths.Output, "onnx");
        Directory.CreateDirectory(output);
        (NetworkArchitecture Architecture, int Width, int Height, int Channels)[] cases =
        {
            (NetworkArchitecture.CompactCnn, 28, 28, 1),
            (NetworkArchitecture.CompactCnn, 64, 64, 3),
            (NetworkArchitecture.ResNet18, 64, 64, 3),
            (NetworkArchitecture.ResNet50, 64, 64, 3),
            (NetworkArchitecture.MobileNetV2, 64, 64, 3),
        };
        Console.WriteLine($"OnnxExport: median of {rounds} writes per format, untrained classifiers of 10 classes");
        Console.WriteLine("architecture      input     parameters  native ms  onnx ms  native MB  onnx MB");
        foreach ((NetworkArchitecture architecture, int width, int height, int channels) in cases)
        {
            string[] classes = Enumerable.Range(0, 10).Select(i => $"class{i}").ToArray();
            using Classifier classifier = NetworkFactory.CreateClassifier(architecture, classes, width, height,
                channels);
            string nativePath = Path.Combine(output, $"{architecture}-{width}.dlc");
            string onnxPath = Path.Combine(output, $"{architecture}-{width}.onnx");
            double nativeMs = MedianMilliseconds(rounds, () => ClassifierFile.Save(classifier, nativePath));
            double onnxMs = MedianMilliseconds(rounds, () => OnnxExporter.Save(classifier, onnxPath));
            double nativeMb = new FileInfo(nativePath).Length / 1048576.0;
            double onnxMb = new FileInfo(onnxPath).Length / 1048576.0;
            Console.WriteLine($"{architecture,-16}  {width}×{height}×{channels,-3}  " +
                              $"{classifier.ParameterCount,10}  " +
                              $"{Stats.F(nativeMs),9}  {Stats.F(onnxMs),7}  {Stats.F(nativeMb, 2),9}  " +
                              $"{Stats.F(onnxMb, 2),7}");
            Console.WriteLine($"RATIO {architecture} {width}×{height}×{channels} onnx/native: time " +
                              $"{Stats.F(onnxMs / nativeMs, 2)}, size {Stats.F(onnxMb / nativeMb, 3)}");
        }
        return 0;
    }

    private static double MedianMilliseconds(int rounds, Action write)
    {
        // One write before timing, so that first-use costs (JIT, libtorch) do not count.
        write();
        var times = new List<double>();
        for (int i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            write();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Stats.Median(times);
    }
}
