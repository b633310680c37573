using System.Runtime.InteropServices;
using DlClassifier.Engine;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Training;
using static TorchSharp.torch;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.Bench.Commands;

/// <summary>
/// Native memory over a long training and over inference on many files: the live tensor count at the end of
/// every epoch, and the resident memory of the process, which must not grow.
/// </summary>
internal sealed class TrainingMemoryCommand : IBenchCommand
{
    public string Name => "TrainingMemory";

    public string Summary => "live tensors and resident memory per epoch (20 epochs), and over 10,000 predictions";

    public int Run(BenchArgs args)
    {
        int epochs = args.Int("epochs", 20);
        string samples = Path.Combine(BenchPaths.RepositoryRoot, "samples", "fashion-mnist");
        string output = Path.Combine(BenchPaths.Output, "memory");
        Directory.CreateDirectory(output);

        DlDataSet dataSet = DataSetSplitter.Split(DataSetImporter.ImportFolders(new[] { samples }), 70, 15, 42);
        using Classifier classifier = NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn,
            dataSet.ClassNames, 28, 28, 1, new DlClassifierParam { Epochs = epochs });
        var tensors = new List<long>();
        var resident = new List<double>();
        Console.WriteLine($"TrainingMemory: default parameters, {epochs} epochs on {dataSet.TrainingCount} training " +
                          "images (bundled sample), checkpoint and plot written every epoch");
        Console.WriteLine("epoch  live tensors  resident MiB");
        var options = new TrainingOptions
        {
            CheckpointPath = Path.Combine(output, "checkpoint.dlc"),
            PlotPath = Path.Combine(output, "training.png"),
            EpochCompleted = record =>
            {
                Settle();
                tensors.Add(Tensor.TotalCount);
                resident.Add(Stats.ResidentMegabytes());
                Console.WriteLine($"{record.Epoch,5}  {tensors[^1],12}  {Stats.F(resident[^1]),12}");
            },
        };
        Trainer.Train(classifier, dataSet, options, NullReporter.Instance, CancellationToken.None);

        bool flatTensors = tensors.Skip(1).All(t => t == tensors[1]);
        Console.WriteLine($"live tensors at the end of epochs 2–{epochs}: " +
                          $"{(flatTensors ? "all " + tensors[1] : string.Join(", ", tensors))}" +
                          $"{(flatTensors ? " (flat)" : " (NOT flat)")}");
        if (resident.Count >= 20)
        {
            double growth = resident[19] / resident[2] - 1;
            Console.WriteLine($"RATIO resident memory epoch 20 / epoch 3: {Stats.F(1 + growth, 3)} " +
                              $"({Stats.F(growth * 100, 2)} %, target within ±5 %)");
        }

        PredictMany(classifier, args.Int("files", 10_000));
        return 0;
    }

    /// <summary>Predicts files one at a time, as a pipeline of file objects feeds them, and samples memory.</summary>
    private static void PredictMany(Classifier classifier, int count)
    {
        FashionMnist.Load().WritePngs(BenchPaths.PngRoot);
        string[] files = Directory.EnumerateFiles(Path.Combine(BenchPaths.PngRoot, "test"), "*.png",
            SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(count).ToArray();
        Console.WriteLine($"Predicting {files.Length} files one by one");
        Console.WriteLine("files  live tensors  resident MiB");
        var resident = new List<double>();
        for (int i = 0; i < files.Length; i++)
        {
            ImageClassifier.Predict(classifier, new[] { files[i] }, CancellationToken.None);
            if ((i + 1) % 1000 == 0)
            {
                Settle();
                resident.Add(Stats.ResidentMegabytes());
                Console.WriteLine($"{i + 1,5}  {Tensor.TotalCount,12}  {Stats.F(resident[^1]),12}");
            }
        }
        // The first thousand files also warm up the decoder's buffer pools; growth is measured from the second.
        if (resident.Count >= 3)
        {
            Console.WriteLine($"RATIO resident memory after {files.Length} / after 2000 files: " +
                              $"{Stats.F(resident[^1] / resident[1], 3)} (target: no growth beyond 5 %)");
        }
    }

    /// <summary>
    /// Lets finalisers run and hands the C heap's free pages back to the system, so that the resident figure is
    /// what is really held rather than what the allocator keeps cached for later.
    /// </summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (OperatingSystem.IsLinux())
        {
            MallocTrim(0);
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
