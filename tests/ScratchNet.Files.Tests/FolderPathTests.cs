namespace ScratchNet.Files.Tests;

public sealed class FolderPathTests
{
    [Test]
    public void OneFolderWrittenThreeWaysIsOnePath()
    {
        string full = Path.Combine(Environment.CurrentDirectory, "idx");

        Assert.That(new[] { FolderPath.Full("idx"), FolderPath.Full("idx/"), FolderPath.Full("./idx"), FolderPath.Full(full + "/") }, Is.All.EqualTo(full));
    }
}
