using Moq;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data.Tests;

public sealed class LoadOnceDatasetProviderTests
{
    private static Dataset Tiny()
    {
        DataSplit split = DataSplit.FromLabels([0, 1, 0, 1], [0, 1], 2, 2);
        return new Dataset("d", split, split, ["x", "y"]);
    }

    [Test]
    public async Task EveryCallerGetsTheRowsOfOneLoad()
    {
        var inner = new Mock<IDatasetProvider>();
        inner.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Tiny);
        var provider = new LoadOnceDatasetProvider(inner.Object);

        Dataset first = await provider.LoadAsync();
        Dataset second = await provider.LoadAsync();

        Assert.That(second, Is.SameAs(first));
        inner.Verify(p => p.LoadAsync(It.IsAny<CancellationToken>()), Times.Once());
    }

    [Test]
    public async Task ALoadThatFailedIsTriedAgain()
    {
        var inner = new Mock<IDatasetProvider>();
        inner.SetupSequence(p => p.LoadAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DatasetUnavailableException("no source"))
            .ReturnsAsync(Tiny());
        var provider = new LoadOnceDatasetProvider(inner.Object);

        Assert.ThrowsAsync<DatasetUnavailableException>(() => provider.LoadAsync());
        Dataset loaded = await provider.LoadAsync();

        Assert.That(loaded.Name, Is.EqualTo("d"));
        inner.Verify(p => p.LoadAsync(It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}
