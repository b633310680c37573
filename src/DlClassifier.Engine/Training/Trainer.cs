using System.Diagnostics;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Training;

/// <summary>
/// Trains a classifier on the training split, evaluates it on the validation split and leaves it holding
/// the weights of the epoch with the lowest validation error.
/// </summary>
public static class Trainer
{
    /// <summary>Images per forward pass when measuring errors; memory, not results, depends on it.</summary>
    private const int EvaluationBatchSize = 256;

    /// <exception cref="InvalidOperationException">The data set has no training or no validation images.</exception>
    /// <exception cref="UnknownClassException">
    /// A training or validation image's class is not one of the classifier's, even when no epoch is left to train.
    /// </exception>
    /// <exception cref="OperationCanceledException">
    /// Cancelled; the classifier holds the best weights so far.
    /// </exception>
    public static DlTrainingResult Train(DlClassifier classifier, DlDataSet dataSet, TrainingOptions? options,
        IEngineReporter? reporter, CancellationToken cancellation)
    {
        options ??= new TrainingOptions();
        reporter ??= NullReporter.Instance;
        DlClassifierParam parameters = classifier.Parameters.Clone();
        parameters.Validate();
        IReadOnlyList<DlSample> training = dataSet.InSplit(SampleSplit.Training);
        IReadOnlyList<DlSample> validation = dataSet.InSplit(SampleSplit.Validation);
        if (training.Count == 0 || validation.Count == 0)
        {
            throw new InvalidOperationException(
                $"The data set has {training.Count} training and {validation.Count} validation images; " +
                "training needs " +
                "both. Split it first (Split-DlDataSet).");
        }

        // Classes are checked first: a data set the classifier cannot learn from is an error even when no epoch is
        // left to train, rather than a warning that hides the mismatch.
        ImageCache.LabelsFor(classifier, training);
        ImageCache.LabelsFor(classifier, validation);

        if (!Monitor.TryEnter(TrainingLock.Gate))
        {
            reporter.Verbose("Another training is running in this process; waiting for it to finish.");
            Monitor.Enter(TrainingLock.Gate);
        }
        try
        {
            lock (classifier.Gate)
            {
                return TrainLocked(classifier, parameters, training, validation, options, reporter, cancellation);
            }
        }
        finally
        {
            Monitor.Exit(TrainingLock.Gate);
        }
    }

    private static DlTrainingResult TrainLocked(DlClassifier classifier, DlClassifierParam parameters,
        IReadOnlyList<DlSample> trainingSamples, IReadOnlyList<DlSample> validationSamples, TrainingOptions options,
        IEngineReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        bool fresh = classifier.History.Count == 0;
        int firstEpoch = classifier.History.Count + 1;
        int lastEpoch = parameters.Epochs;
        if (firstEpoch > lastEpoch)
        {
            reporter.Warning($"The classifier has trained {classifier.History.Count} epochs, and Epochs is " +
                             $"{lastEpoch}: nothing is left to train. Raise Epochs (Set-DlClassifierParam " +
                             "-Epochs) to train on.");
            return Result(classifier, 0, "Completed", "none", clock, options);
        }
        if (!fresh && parameters.EarlyStoppingPatience > 0
            && classifier.Resume?.EvaluationsWithoutGain >= parameters.EarlyStoppingPatience)
        {
            reporter.Warning($"The last training stopped early at epoch {classifier.History.Count}: the " +
                             $"validation error did not improve for {parameters.EarlyStoppingPatience} " +
                             "evaluations. Raise EarlyStoppingPatience, or set it to 0, to train on.");
            return Result(classifier, 0, "EarlyStopping", "none", clock, options);
        }

        DeviceManager.SetThreads(parameters.Threads);
        Device device = DeviceManager.Resolve(parameters.Device, out string? deviceWarning);
        if (deviceWarning is not null)
        {
            reporter.Warning(deviceWarning);
        }
        reporter.Verbose($"Training on {device} with {torch.get_num_threads()} CPU thread(s).");

        long budget = parameters.CacheMegabytes * 1024L * 1024L;
        ImageCache training = ImageCache.Load(classifier, trainingSamples, budget, "Reading training images",
            reporter, cancellation);
        ImageCache validation = ImageCache.Load(classifier, validationSamples, budget - training.HeldBytes,
            "Reading validation images", reporter, cancellation);
        reporter.Verbose($"Read {training.Count} training and {validation.Count} validation images; " +
                         $"{training.HeldCount + validation.HeldCount} kept in memory " +
                         $"({(training.HeldBytes + validation.HeldBytes) / (1024.0 * 1024.0):F1} MiB of the " +
                         $"{parameters.CacheMegabytes} MiB cache).");
        int streamed = training.Count - training.HeldCount + validation.Count - validation.HeldCount;
        if (streamed > 0)
        {
            reporter.Verbose($"{streamed} images do not fit in the cache and are read from disk in every epoch; " +
                             "raise CacheMegabytes (Set-DlClassifierParam) if memory allows.");
        }
        float[]? classWeights = ClassWeights.For(parameters, classifier.ClassNames, training.Labels);
        int batchSize = BatchSizeFor(parameters.BatchSize, training, classifier.ClassNames, reporter);

        // A resumed training keeps the best epoch's weights (which the classifier holds) to hand back unless a later
        // epoch beats them, then trains on from the last completed epoch's weights and optimiser state.
        Dictionary<string, Tensor>? bestWeights = null;
        byte[]? bestWeightBytes = null;
        ResumeState? resume = fresh ? null : classifier.Resume;
        int evaluationsWithoutGain = resume?.EvaluationsWithoutGain ?? 0;
        if (fresh)
        {
            // A first training starts from weights drawn from the classifier's seed, so the same seed gives the
            // same classifier whatever was set between New-DlClassifier and now; a classifier on ImageNet weights
            // starts from them again, with the head drawn from the seed. Weights read from a PyTorch file are
            // kept: starting from them is why they were loaded.
            if (classifier.Pretrained is null)
            {
                classifier.ReplaceNetwork(NetworkFactory.Create(classifier.Architecture, classifier.ImageChannels,
                    classifier.ImageWidth, classifier.ImageHeight, classifier.ClassNames.Length, parameters.Seed,
                    classifier.IsPretrained));
            }
            if (classifier.Normalization == InputNormalization.ChannelStatistics)
            {
                (classifier.NormalizationMean, classifier.NormalizationStd) =
                    ChannelStatistics(training.ValueCounts, classifier.ImageChannels);
            }
        }
        else
        {
            if (classifier.BestEpoch is not null)
            {
                bestWeights = Snapshot(classifier.Network);
                bestWeightBytes = ResumeState.ModuleBytes(classifier.Network);
            }
            resume?.RestoreWeights(classifier.Network);
        }
        classifier.Network.to(device);

        TransferMode transferMode = classifier.IsPretrained ? parameters.TransferMode : TransferMode.FineTune;
        (optim.Optimizer optimizer, double[] rateFactors) = CreateOptimizer(classifier, parameters, transferMode);
        using optim.Optimizer disposeOptimizer = optimizer;
        if (!fresh)
        {
            ResumeOptimizer(classifier, parameters, resume, optimizer, device, firstEpoch, transferMode, reporter);
        }
        using HeadFeatures? trainingFeatures = transferMode == TransferMode.HeadOnly
            ? ComputeFeatures(classifier, training, device, "Computing training features", reporter, cancellation)
            : null;
        using HeadFeatures? validationFeatures = transferMode == TransferMode.HeadOnly
            ? ComputeFeatures(classifier, validation, device, "Computing validation features", reporter, cancellation)
            : null;
        var augmenter = new BatchAugmenter(classifier.ImageChannels, classifier.ImageHeight, classifier.ImageWidth,
            parameters);
        int[] trainingErrorSubset = FixedSubset(training.Count, options.TrainingErrorSampleLimit, parameters.Seed);
        using Tensor? lossWeights = classWeights is null ? null : tensor(classWeights, device: device);
        string stopReason = "Completed";
        int epochsTrained = 0;
        classifier.CountBatches(0);
        classifier.BatchesAfterStopRequest = null;
        int? batchesAtStopRequest = null;
        using CancellationTokenRegistration onStop =
            cancellation.Register(() => batchesAtStopRequest = classifier.LastTrainingBatches);

        try
        {
            for (int epoch = firstEpoch; epoch <= lastEpoch; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                double learningRate = LearningRates.ForEpoch(parameters, epoch, lastEpoch);
                int groupIndex = 0;
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = learningRate * rateFactors[groupIndex++];
                }

                // Dropout draws from libtorch's generator; seeding it per epoch makes a resumed epoch draw as the
                // same epoch of an unbroken training would.
                random.manual_seed(unchecked(parameters.Seed * 1_000_003L + epoch));
                double loss = trainingFeatures is null
                    ? TrainEpoch(classifier, training, augmenter, optimizer, lossWeights, batchSize, device,
                        parameters.Seed, epoch, firstEpoch, lastEpoch, clock, reporter, cancellation)
                    : TrainHeadEpoch(classifier, trainingFeatures, optimizer, lossWeights, batchSize, device,
                        parameters.Seed, epoch, firstEpoch, lastEpoch, clock, reporter, cancellation);
                epochsTrained++;

                bool evaluate = (epoch - firstEpoch + 1) % parameters.EvaluationInterval == 0 || epoch == lastEpoch;
                double? trainingError = null, validationError = null, validationLoss = null;
                bool isBest = false;
                if (evaluate)
                {
                    reporter.Progress(new ProgressUpdate(1, "Evaluating", $"Epoch {epoch}", 1, null));
                    if (trainingFeatures is null || validationFeatures is null)
                    {
                        trainingError = Evaluate(classifier, training, trainingErrorSubset, device, cancellation).Error;
                        (validationError, validationLoss) =
                            Evaluate(classifier, validation, null, device, cancellation);
                    }
                    else
                    {
                        trainingError = trainingFeatures.Evaluate(classifier.Explainable, trainingErrorSubset,
                            device).Error;
                        (validationError, validationLoss) =
                            validationFeatures.Evaluate(classifier.Explainable, null, device);
                    }
                    isBest = classifier.BestValidationError is null || validationError < classifier.BestValidationError;
                }

                classifier.History.Add(new DlEpochRecord
                {
                    Epoch = epoch, TrainingLoss = loss, TrainingError = trainingError,
                    ValidationError = validationError,
                    ValidationLoss = validationLoss, LearningRate = learningRate,
                    Seconds = epochClock.Elapsed.TotalSeconds, IsBest = isBest,
                });
                reporter.Verbose($"Epoch {epoch}: loss {loss:F4}" +
                    (evaluate ? $", training error {trainingError:P2}, validation error {validationError:P2}" : "") +
                    (isBest ? " (best)" : ""));

                if (isBest)
                {
                    classifier.BestEpoch = epoch;
                    classifier.BestValidationError = validationError;
                    DisposeAll(bestWeights);
                    bestWeights = Snapshot(classifier.Network);
                    evaluationsWithoutGain = 0;
                }
                else if (evaluate)
                {
                    evaluationsWithoutGain++;
                }
                classifier.Resume = ResumeState.Capture(classifier.Network, optimizer, parameters.Solver,
                    evaluationsWithoutGain, transferMode);
                if (isBest)
                {
                    bestWeightBytes = classifier.Resume.Weights;
                }
                if (options.CheckpointPath is not null)
                {
                    ClassifierFile.SaveCheckpoint(classifier, options.CheckpointPath, bestWeightBytes);
                }
                if (evaluate && options.PlotPath is not null)
                {
                    TrainingPlotWriter.Write(options.PlotPath, classifier.History, reporter);
                }
                options.EpochCompleted?.Invoke(classifier.History[^1]);
                if (parameters.EarlyStoppingPatience > 0 && evaluationsWithoutGain >= parameters.EarlyStoppingPatience)
                {
                    reporter.Verbose($"No improvement for {evaluationsWithoutGain} evaluations; stopping early.");
                    stopReason = "EarlyStopping";
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            stopReason = "Cancelled";
            classifier.BatchesAfterStopRequest =
                classifier.LastTrainingBatches - (batchesAtStopRequest ?? classifier.LastTrainingBatches);
            throw;
        }
        finally
        {
            if (bestWeights is not null)
            {
                Restore(classifier.Network, bestWeights);
                DisposeAll(bestWeights);
            }
            classifier.Network.eval();
            reporter.Completed(1);
            reporter.Completed(0);
            reporter.Verbose($"Training ended ({stopReason}) after {clock.Elapsed.TotalSeconds:F1} s and " +
                             $"{classifier.LastTrainingBatches} batches; the classifier holds epoch " +
                             $"{classifier.BestEpoch}.");
        }

        return Result(classifier, epochsTrained, stopReason, device.ToString(), clock, options);
    }

    private static DlTrainingResult Result(DlClassifier classifier, int epochsTrained, string stopReason,
        string device, Stopwatch clock, TrainingOptions options) => new()
    {
        BestEpoch = classifier.BestEpoch, BestValidationError = classifier.BestValidationError,
        History = classifier.History.ToArray(), EpochsTrained = epochsTrained, StopReason = stopReason,
        Device = device, Duration = clock.Elapsed, PlotPath = options.PlotPath,
        CheckpointPath = options.CheckpointPath,
    };

    /// <summary>
    /// The batch size to train with, telling the user where the training set is too small for the one asked for:
    /// a batch larger than the set, a last batch of one image (merged, see <see cref="Batches"/>), a single
    /// training image, and classes with fewer than two training images.
    /// </summary>
    private static int BatchSizeFor(int requested, ImageCache training, string[] classNames, IEngineReporter reporter)
    {
        int batchSize = Math.Min(requested, training.Count);
        if (batchSize < requested)
        {
            reporter.Warning($"The batch size {requested} is larger than the {training.Count} training images; " +
                             $"using {batchSize}.");
        }
        if (training.Count == 1)
        {
            reporter.Warning("There is a single training image; each batch repeats it, because batch norm needs two.");
        }
        else if (training.Count % batchSize == 1)
        {
            reporter.Warning($"{training.Count} training images in batches of {batchSize} would leave a last " +
                             "batch of one image, which batch norm cannot normalise; merged the last batch of " +
                             "one image into the batch before it.");
        }
        int[] perClass = new int[classNames.Length];
        foreach (int label in training.Labels)
        {
            perClass[label]++;
        }
        string[] scarce = Enumerable.Range(0, classNames.Length).Where(i => perClass[i] < 2)
            .Select(i => $"{classNames[i]} ({perClass[i]})").ToArray();
        if (scarce.Length > 0)
        {
            reporter.Warning("These classes have fewer than two training images, too few to learn them from: " +
                             string.Join(", ", scarce) + ".");
        }
        return batchSize;
    }

    /// <summary>
    /// Loads the optimiser state of the last completed epoch, or says why the resumed training starts with a fresh
    /// optimiser (and will not match an unbroken one).
    /// </summary>
    private static void ResumeOptimizer(DlClassifier classifier, DlClassifierParam parameters, ResumeState? resume,
        optim.Optimizer optimizer, Device device, int firstEpoch, TransferMode transferMode, IEngineReporter reporter)
    {
        if (resume is null)
        {
            reporter.Warning($"The classifier holds no optimiser state (a file saved without it, or by an older " +
                             $"version); continuing at epoch {firstEpoch} from the weights of epoch " +
                             $"{classifier.BestEpoch} with a fresh optimiser.");
            return;
        }
        if (resume.TransferMode != transferMode)
        {
            reporter.Warning($"The transfer mode changed from {resume.TransferMode} to {transferMode}; continuing at " +
                             $"epoch {firstEpoch} with a fresh optimiser.");
            return;
        }
        if (resume.Solver != parameters.Solver)
        {
            reporter.Warning($"The solver changed from {resume.Solver} to {parameters.Solver}; continuing at epoch " +
                             $"{firstEpoch} with a fresh optimiser.");
            return;
        }
        resume.RestoreOptimizer(optimizer);
        foreach (var group in optimizer.ParamGroups.OfType<TorchSharp.Modules.ParamGroup>())
        {
            // The saved options hold the momentum and weight decay of the first run; the parameters set now win.
            switch (group.Options)
            {
                case TorchSharp.Modules.SGD.Options sgd:
                    sgd.momentum = parameters.Momentum;
                    sgd.weight_decay = parameters.WeightPrior;
                    break;
                case TorchSharp.Modules.AdamW.Options adam:
                    adam.weight_decay = parameters.WeightPrior;
                    break;
            }
        }
        // TorchSharp 0.107 reads momentum buffers into new CPU tensors and its state.to(device) does not keep
        // the moved tensor, so buffers are moved here for training on CUDA.
        var helper = (TorchSharp.Modules.OptimizerHelper)optimizer;
        foreach (TorchSharp.Modules.SGD.State state in helper.state_dict().State.OfType<TorchSharp.Modules.SGD.State>())
        {
            if (state.momentum_buffer is { } buffer && buffer.device != device)
            {
                state.momentum_buffer = buffer.to(device);
                buffer.Dispose();
            }
        }
        reporter.Verbose($"Continuing at epoch {firstEpoch} of {parameters.Epochs} with the optimiser state of epoch " +
                         $"{firstEpoch - 1}; best so far: epoch {classifier.BestEpoch}.");
    }

    private static double TrainEpoch(DlClassifier classifier, ImageCache training, BatchAugmenter augmenter,
        optim.Optimizer optimizer, Tensor? lossWeights, int batchSize, Device device, int seed, int epoch,
        int firstEpoch, int lastEpoch, Stopwatch clock, IEngineReporter reporter, CancellationToken cancellation)
    {
        // Each epoch has its own generator, so a resumed training shuffles exactly as an unbroken one would.
        var random = new Random(unchecked(seed * 7919 + epoch));
        int[] order = Enumerable.Range(0, training.Count).ToArray();
        random.Shuffle(order);
        List<int[]> batches = Batches(order, batchSize);

        classifier.Network.train();
        double lossSum = 0;
        int seen = 0;
        var buffer = new float[batchSize * 2 * augmenter.ImageSize];
        int b = 0;
        foreach (byte[][] images in training.InBatches(batches, cancellation))
        {
            cancellation.ThrowIfCancellationRequested();
            int[] batch = batches[b];
            using var scope = NewDisposeScope();
            for (int i = 0; i < batch.Length; i++)
            {
                augmenter.Write(images[i], buffer, i, random);
            }
            Tensor input = Predictor.Normalize(classifier, buffer[..(batch.Length * augmenter.ImageSize)],
                batch.Length, device);
            Tensor target = tensor(batch.Select(i => (long)training.Labels[i]).ToArray()).to(device);

            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(classifier.Network.forward(input), target, weight: lossWeights);
            loss.backward();
            optimizer.step();
            classifier.CountBatches(classifier.LastTrainingBatches + 1);

            double value = loss.item<float>();
            if (!double.IsFinite(value))
            {
                throw new InvalidOperationException(
                    $"The training loss became {value} in epoch {epoch}. " +
                    "Lower the learning rate (Set-DlClassifierParam).");
            }
            lossSum += value * batch.Length;
            seen += batch.Length;

            ReportBatch(reporter, clock, epoch, firstEpoch, lastEpoch, b, batches.Count, lossSum / seen);
            b++;
        }
        return lossSum / seen;
    }

    /// <summary>
    /// Cuts the shuffled order into batches. A last batch of a single image is merged into the one before,
    /// because batch norm cannot normalise one value per channel; a single training image is repeated.
    /// </summary>
    internal static List<int[]> Batches(int[] order, int batchSize)
    {
        var batches = new List<int[]>();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            batches.Add(order[start..Math.Min(order.Length, start + batchSize)]);
        }
        if (batches.Count > 1 && batches[^1].Length == 1)
        {
            batches[^2] = batches[^2].Concat(batches[^1]).ToArray();
            batches.RemoveAt(batches.Count - 1);
        }
        else if (batches.Count == 1 && batches[0].Length == 1)
        {
            batches[0] = new[] { batches[0][0], batches[0][0] };
        }
        return batches;
    }

    private static (double Error, double Loss) Evaluate(DlClassifier classifier, ImageCache cache, int[]? subset,
        Device device, CancellationToken cancellation)
    {
        int[] indices = subset ?? Enumerable.Range(0, cache.Count).ToArray();
        List<int[]> chunks = indices.Chunk(EvaluationBatchSize).ToList();
        int wrong = 0;
        double loss = 0;
        int chunk = 0;
        foreach (byte[][] images in cache.InBatches(chunks, cancellation))
        {
            float[][] values = images.Select(PixelBytes.ToUnit).ToArray();
            float[][] probabilities = Predictor.Probabilities(classifier, values, device, EvaluationBatchSize,
                cancellation);
            for (int i = 0; i < values.Length; i++)
            {
                int label = cache.Labels[chunks[chunk][i]];
                float[] p = probabilities[i];
                int predicted = Array.IndexOf(p, p.Max());
                wrong += predicted == label ? 0 : 1;
                loss -= Math.Log(Math.Max(p[label], 1e-12));
            }
            chunk++;
        }
        return ((double)wrong / indices.Length, loss / indices.Length);
    }

    private static int[] FixedSubset(int count, int limit, int seed)
    {
        int[] all = Enumerable.Range(0, count).ToArray();
        if (count <= limit)
        {
            return all;
        }
        new Random(seed).Shuffle(all);
        return all[..limit].OrderBy(i => i).ToArray();
    }

    /// <summary>
    /// The optimiser, and for each of its parameter groups the factor of the learning rate it trains at. A network
    /// without pretrained weights has one group at the full rate. A pretrained one trains its head alone
    /// (HeadOnly), or its backbone at <see cref="DlClassifierParam.BackboneLearningRateFactor"/> and its head at the
    /// full rate (FineTune).
    /// </summary>
    private static (optim.Optimizer Optimizer, double[] RateFactors) CreateOptimizer(DlClassifier classifier,
        DlClassifierParam parameters, TransferMode transferMode)
    {
        var groups = new List<(IEnumerable<TorchSharp.Modules.Parameter> Parameters, double Factor)>();
        if (classifier.IsPretrained && classifier.Network is ResNet network)
        {
            if (transferMode == TransferMode.FineTune)
            {
                groups.Add((network.BackboneParameters(), parameters.BackboneLearningRateFactor));
            }
            groups.Add((network.HeadParameters(), 1));
        }
        else
        {
            groups.Add((classifier.Network.parameters(), 1));
        }
        double rate = parameters.LearningRate;
        optim.Optimizer optimizer = parameters.Solver switch
        {
            Solver.Adam => optim.AdamW(groups.Select(g => new TorchSharp.Modules.AdamW.ParamGroup(g.Parameters,
                    rate * g.Factor, weight_decay: parameters.WeightPrior)),
                lr: rate, weight_decay: parameters.WeightPrior),
            _ => optim.SGD(groups.Select(g => new TorchSharp.Modules.SGD.ParamGroup(g.Parameters, rate * g.Factor,
                    momentum: parameters.Momentum, weight_decay: parameters.WeightPrior)),
                rate, momentum: parameters.Momentum, weight_decay: parameters.WeightPrior),
        };
        return (optimizer, groups.Select(g => g.Factor).ToArray());
    }

    /// <summary>
    /// The frozen backbone's features of every image, for HeadOnly training; the backbone runs once per image.
    /// </summary>
    private static HeadFeatures ComputeFeatures(DlClassifier classifier, ImageCache images, Device device,
        string activity, IEngineReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        HeadFeatures features = HeadFeatures.Compute(classifier, (ResNet)classifier.Network, images, device,
            activity, reporter, cancellation);
        reporter.Verbose($"{activity}: ran the backbone once over {images.Count} images in " +
                         $"{clock.Elapsed.TotalSeconds:F1} s. HeadOnly trains the head alone on these features; " +
                         "no augmentation applies.");
        return features;
    }

    private static double TrainHeadEpoch(DlClassifier classifier, HeadFeatures features, optim.Optimizer optimizer,
        Tensor? lossWeights, int batchSize, Device device, int seed, int epoch, int firstEpoch, int lastEpoch,
        Stopwatch clock, IEngineReporter reporter, CancellationToken cancellation)
    {
        // The same generator and batches as an epoch over the images, so that the two modes shuffle alike.
        var random = new Random(unchecked(seed * 7919 + epoch));
        int[] order = Enumerable.Range(0, features.Count).ToArray();
        random.Shuffle(order);
        List<int[]> batches = Batches(order, batchSize);
        classifier.Network.eval();
        double lossSum = 0;
        int seen = 0;
        return features.TrainEpoch(classifier.Explainable, batches, optimizer, lossWeights, device, (b, value) =>
        {
            if (!double.IsFinite(value))
            {
                throw new InvalidOperationException(
                    $"The training loss became {value} in epoch {epoch}. " +
                    "Lower the learning rate (Set-DlClassifierParam).");
            }
            classifier.CountBatches(classifier.LastTrainingBatches + 1);
            lossSum += value * batches[b].Length;
            seen += batches[b].Length;
            ReportBatch(reporter, clock, epoch, firstEpoch, lastEpoch, b, batches.Count, lossSum / seen);
        }, cancellation);
    }

    private static void ReportBatch(IEngineReporter reporter, Stopwatch clock, int epoch, int firstEpoch,
        int lastEpoch, int batch, int batchCount, double meanLoss)
    {
        int epochsDone = epoch - firstEpoch;
        int epochCount = lastEpoch - firstEpoch + 1;
        double fraction = (epochsDone + (batch + 1.0) / batchCount) / epochCount;
        TimeSpan remaining =
            TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (1 - fraction) / Math.Max(fraction, 1e-6));
        reporter.Progress(new ProgressUpdate(0, "Training", $"Epoch {epoch} of {lastEpoch}", fraction, remaining));
        reporter.Progress(new ProgressUpdate(1, $"Epoch {epoch}",
            $"Batch {batch + 1} of {batchCount}, loss {meanLoss:F4}", (batch + 1.0) / batchCount, null));
    }

    /// <summary>
    /// Per-channel mean and standard deviation of the training images, for input normalisation, from how often
    /// each byte value occurs; whole counts add up exactly in any order, so the result does not depend on how
    /// the images were read.
    /// </summary>
    internal static (float[] Mean, float[] Std) ChannelStatistics(long[] valueCounts, int channels)
    {
        var sum = new double[channels];
        var squares = new double[channels];
        long perChannel = valueCounts[..256].Sum();
        for (int c = 0; c < channels; c++)
        {
            for (int value = 0; value < 256; value++)
            {
                long count = valueCounts[c * 256 + value];
                double unit = value / 255f;
                sum[c] += count * unit;
                squares[c] += count * unit * unit;
            }
        }
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            mean[c] = (float)(sum[c] / perChannel);
            double variance = squares[c] / perChannel - (double)mean[c] * mean[c];
            std[c] = (float)Math.Max(Math.Sqrt(Math.Max(variance, 0)), 1e-3);
        }
        return (mean, std);
    }

    internal static Dictionary<string, Tensor> Snapshot(nn.Module module)
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string name, Tensor value) in module.state_dict())
        {
            copy[name] = value.detach().clone();
        }
        return copy;
    }

    private static void Restore(nn.Module module, Dictionary<string, Tensor> weights)
    {
        using var noGrad = no_grad();
        foreach ((string name, Tensor value) in module.state_dict())
        {
            value.copy_(weights[name]);
        }
    }

    private static void DisposeAll(Dictionary<string, Tensor>? weights)
    {
        if (weights is null)
        {
            return;
        }
        foreach (Tensor value in weights.Values)
        {
            value.Dispose();
        }
    }
}
