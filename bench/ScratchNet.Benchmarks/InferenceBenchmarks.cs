using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Core.Random;
using ScratchNet.Data.Idx;
using ScratchNet.Data.Sources;
using ScratchNet.Models;
using ScratchNet.Models.Onnx;

namespace ScratchNet.Benchmarks;

/// <summary>
/// Inference — what <c>predict</c> and evaluation run per chunk: the reference MLP [784, 128, 64, 10] forward and the
/// softmax, in ScratchNet and in ONNX Runtime on the model ScratchNet exports (Gemm → Relu → … → Softmax), at batch
/// 1,000 (evaluation's chunk) and batch 1 (one image), on the same number of threads. Both write into buffers allocated
/// in setup (ONNX Runtime through OrtValues over managed arrays), so neither pays for allocation. The Ratio column is
/// ONNX Runtime's time over ScratchNet's; setup checks that both give the same probabilities. The images are either
/// uniform noise (every pixel non-zero: ScratchNet's dense kernels) or the first images of the MNIST test set, scaled
/// to [0, 1] as training does (81 % of pixels exactly 0, which ScratchNet's first product skips; see GemmSparseA):
/// read from the dataset cache, so `train` must have run once.
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private const int Features = 784;
    private const int Classes = 10;

    private static readonly string[] InputNames = [OnnxExporter.InputName];
    private static readonly string[] OutputNames = [OnnxExporter.OutputName];

    private ComputeTeam? _team;
    private Sequential _network = null!;
    private float[] _x = [];
    private float[] _probabilities = [];
    private float[] _onnxProbabilities = [];
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _inputs = [];
    private OrtValue[] _outputs = [];

    [Params(1000, 1)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(InferenceImages.Mnist, InferenceImages.Uniform)]
    public InferenceImages Images { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _team = Threads > 1 ? new ComputeTeam(Threads) : null;
        _network = Sequential.Mlp([Features, 128, 64, Classes], "relu", "he_normal", 42, Batch, _team);
        _x = Images == InferenceImages.Mnist ? MnistTestImages(Batch) : UniformImages(Batch);

        _probabilities = new float[Batch * Classes];
        _onnxProbabilities = new float[Batch * Classes];

        using var onnx = new MemoryStream();
        OnnxExporter.Write(SavedModel.FromNetwork(_network, new Dictionary<string, string>(), null), onnx);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnx.ToArray(), options);
        _runOptions = new RunOptions();
        _inputs = [OrtValue.CreateTensorValueFromMemory(_x, [Batch, Features])];
        _outputs = [OrtValue.CreateTensorValueFromMemory(_onnxProbabilities, [Batch, Classes])];

        ScratchNet();
        OnnxRuntime();
        for (int i = 0; i < _probabilities.Length; i++)
        {
            if (Math.Abs(_probabilities[i] - _onnxProbabilities[i]) > 1e-4f)
            {
                throw new InvalidOperationException($"ScratchNet and ONNX Runtime disagree at {i}: {_probabilities[i]} against {_onnxProbabilities[i]}");
            }
        }
    }

    private static float[] UniformImages(int count)
    {
        var rng = new Xoshiro256(3);
        var x = new float[count * Features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)rng.NextDouble();
        }

        return x;
    }

    private static float[] MnistTestImages(int count)
    {
        string path = Path.Combine(CacheLocation.DatasetDirectory(null, "mnist"), MnistFiles.TestImages.Name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: run `train --Training:Epochs=1` once to fetch MNIST into the cache");
        }

        byte[] pixels = IdxReader.Read(path).Data;
        var x = new float[count * Features];
        PixelScaler.Scale(pixels.AsSpan(0, x.Length), x);
        return x;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (OrtValue value in _inputs.Concat(_outputs))
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
        _team?.Dispose();
    }

    /// <summary>network.Forward, then softmax over the logits: the probabilities predict prints.</summary>
    [Benchmark(Baseline = true)]
    public float ScratchNet()
    {
        float[] logits = _network.Forward(_x, Batch);
        Softmax.Forward(logits.AsSpan(0, Batch * Classes), _probabilities, Batch, Classes);
        return _probabilities[0];
    }

    /// <summary>The exported graph in ONNX Runtime (all graph optimisations on), into a preallocated output.</summary>
    [Benchmark]
    public float OnnxRuntime()
    {
        _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);
        return _onnxProbabilities[0];
    }
}

/// <summary>What <see cref="InferenceBenchmarks"/> classifies.</summary>
public enum InferenceImages
{
    /// <summary>The first images of the MNIST test set, scaled to [0, 1].</summary>
    Mnist,

    /// <summary>Uniform noise in [0, 1): no pixel is zero.</summary>
    Uniform,
}
