using ScratchNet.Core.Layers;

namespace ScratchNet.Models.Tests;

public sealed class NetworkWeightsTests
{
    [Test]
    public void CopyInto_LoadsEveryDenseLayer()
    {
        Sequential source = TestModels.Network([5, 4, 2], seed: 1);
        Sequential target = TestModels.Network([5, 4, 2], seed: 2);
        SavedModel model = SavedModel.FromNetwork(source, new Dictionary<string, string>(), null);

        NetworkWeights.CopyInto(target, model.Tensors, "w.snm");

        for (int i = 0; i < source.Parameters.Count; i++)
        {
            Assert.That(target.Parameters[i].Value, Is.EqualTo(source.Parameters[i].Value), source.Parameters[i].Name);
        }
    }

    [Test]
    public void FromNetwork_LeavesDropoutOut_AndTheSavedNetworkPredictsLikeTheTrainedOneInEvaluation()
    {
        Sequential trained = Sequential.Mlp([5, 4, 3, 2], "relu", "he_normal", seed: 3, capacity: 8, dropout: 0.5f);
        trained.IsTraining = false;
        var x = new float[3 * 5];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i % 7) / 7f;
        }

        SavedModel model = SavedModel.FromNetwork(trained, TestModels.Configuration([5, 4, 3, 2]), TestModels.Manifest);
        Sequential loaded = model.CreateNetwork(8, "d.snm");

        Assert.That(model.Layers.Select(l => l.Kind), Does.Not.Contain("dropout"));
        Assert.That(loaded.Forward(x, 3).AsSpan(0, 6).ToArray(), Is.EqualTo(trained.Forward(x, 3).AsSpan(0, 6).ToArray()));
    }

    [Test]
    public void CopyInto_NamesTheTensorAndBothShapes_WhenTheyDiffer()
    {
        SavedModel model = SavedModel.FromNetwork(TestModels.Network([5, 4, 2]), new Dictionary<string, string>(), null);
        Sequential target = TestModels.Network([5, 6, 2]);

        var e = Assert.Throws<ModelFileException>(() => NetworkWeights.CopyInto(target, model.Tensors, "w.snm"));

        Assert.That(e!.Message, Does.Contain("The model file w.snm has tensor dense0.weight of shape (5, 4), but the network's is (5, 6)"));
    }

    [Test]
    public void CopyInto_RejectsLeftoverTensors()
    {
        SavedModel model = SavedModel.FromNetwork(TestModels.Network([5, 4, 3, 2]), new Dictionary<string, string>(), null);
        Sequential target = TestModels.Network([5, 4, 3]);

        var e = Assert.Throws<ModelFileException>(() => NetworkWeights.CopyInto(target, model.Tensors.Where(t => t.Name != "dense1.weight" && t.Name != "dense1.bias").ToList(), "w.snm"));

        Assert.That(e!.Message, Does.Contain("dense2.weight, dense2.bias"));
    }

    [Test]
    public void CopyInto_AcceptsRowVectorBiases()
    {
        Sequential target = TestModels.Network([2, 2]);
        NamedTensor[] tensors = [new("dense0.weight", [2, 2], [1, 2, 3, 4]), new("dense0.bias", [1, 2], [5, 6])];

        NetworkWeights.CopyInto(target, tensors, "w.safetensors");

        Assert.That(target.Parameters[1].Value, Is.EqualTo(new[] { 5f, 6f }));
    }

    [Test]
    public void CopyInto_LoadsConvAndBatchNormTensors_RunningStatisticsIncluded()
    {
        Sequential source = TestModels.Network(TestModels.SmallCnn, new Shape(1, 9, 9), seed: 1);
        Sequential target = TestModels.Network(TestModels.SmallCnn, new Shape(1, 9, 9), seed: 2);

        NetworkWeights.CopyInto(target, SavedModel.FromNetwork(source, new Dictionary<string, string>(), null).Tensors, "w.snm");

        Assert.That(target.Parameters.Select(p => p.Value), Is.EqualTo(source.Parameters.Select(p => p.Value)));
        Assert.That(target.State.Select(s => s.Value), Is.EqualTo(source.State.Select(s => s.Value)));
    }

    [Test]
    public void CopyInto_ReadsPyTorchSequentialNames_AndTransposesLinearWeights()
    {
        // nn.Sequential(Conv2d(1, 2, 3, padding=1), BatchNorm2d(2), ReLU(), Flatten(), Linear(8, 3)) on 1 × 2 × 2 images:
        // its state_dict names the modules by position, and Linear keeps its weight (out, in).
        Sequential target = TestModels.Network(["conv 2 3x3 pad 1", "batchnorm", "relu", "flatten", "dense 3"], new Shape(1, 2, 2));
        float[] conv = [.. Enumerable.Range(0, 18).Select(i => i / 10f)];
        float[] linear = [.. Enumerable.Range(0, 24).Select(i => i / 100f)];
        NamedTensor[] torch =
        [
            new("0.weight", [2, 1, 3, 3], conv), new("0.bias", [2], [0.5f, -0.5f]),
            new("1.weight", [2], [1.5f, 2.5f]), new("1.bias", [2], [0.1f, 0.2f]), new("1.running_mean", [2], [0.3f, 0.4f]), new("1.running_var", [2], [0.6f, 0.7f]),
            new("4.weight", [3, 8], linear), new("4.bias", [3], [1f, 2f, 3f]),
        ];

        NetworkWeights.CopyInto(target, torch, "torch.safetensors");

        Assert.That(target.Parameters[0].Value, Is.EqualTo(conv), "conv weights share PyTorch's (out, in, kH, kW)");
        Assert.That(target.State.SelectMany(s => s.Value), Is.EqualTo(new[] { 0.3f, 0.4f, 0.6f, 0.7f }));
        var dense = (Dense)target.Layers[4];
        for (int o = 0; o < 3; o++)
        {
            for (int i = 0; i < 8; i++)
            {
                Assert.That(dense.Weight.Value[(i * 3) + o], Is.EqualTo(linear[(o * 8) + i]), $"W[{i},{o}] = linear.weight[{o},{i}]");
            }
        }
    }

    [Test]
    public void CopyInto_NamesBothSchemes_WhenATensorIsMissing()
    {
        Sequential target = TestModels.Network(["conv 2 3x3 pad 1", "relu", "flatten", "dense 3"], new Shape(1, 2, 2));

        var e = Assert.Throws<ModelFileException>(() => NetworkWeights.CopyInto(target, [new("0.weight", [2, 1, 3, 3], new float[18])], "t.safetensors"));

        Assert.That(e!.Message, Does.Contain("has no tensor conv0.bias (or 0.bias, PyTorch's name)"));
    }
}
