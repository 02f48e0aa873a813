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

        Assert.That(e!.Message, Does.Contain("Tensor dense0.weight in w.snm has shape (5, 4), but the network's is (5, 6)"));
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
}
