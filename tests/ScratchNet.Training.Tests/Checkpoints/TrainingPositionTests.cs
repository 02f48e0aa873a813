using ScratchNet.Core.Layers;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training.Tests.Checkpoints;

public sealed class TrainingPositionTests
{
    [Test]
    public void Capture_CopiesNoTensor_SoACheckpointCostsNoSecondCopyOfTheState()
    {
        Sequential network = Sequential.Mlp([1000, 500, 10], "relu", "he_normal", 3, 1);
        var adam = new Adam(0.01f);
        network.Parameters.ToList().ForEach(p => Array.Fill(p.Gradient, 0.5f));
        adam.Step(network.Parameters);
        long stateBytes = 3L * network.Parameters.Sum(p => (long)p.Length) * sizeof(float); // weights and Adam's two moments
        var position = new TrainingPosition([1, 2, 3, 4]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Checkpoint checkpoint = position.Capture(network, adam, [], []);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.LessThan(stateBytes / 100), $"the state is {stateBytes:N0} bytes");
        Assert.That(checkpoint.Tensors, Has.Count.EqualTo(3 * network.Parameters.Count));
        Assert.That(checkpoint.Scalars["optimizer.steps"], Is.EqualTo(1));
    }
}
