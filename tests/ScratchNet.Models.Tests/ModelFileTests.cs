namespace ScratchNet.Models.Tests;

public sealed class ModelFileTests
{
    [TestCase(".snm", ModelFormat.Native)]
    [TestCase(".safetensors", ModelFormat.Safetensors)]
    public void SaveThenLoad_TellsTheFormatByItsBytes(string extension, ModelFormat format)
    {
        SavedModel model = TestModels.Model([4, 3, 2]);
        string path = TestModels.TempFile(extension + ".renamed");
        try
        {
            ModelFile.Save(model, path, format);

            Assert.That(ModelFile.Load(path).Tensors.Select(t => t.Data), Is.EqualTo(model.Tensors.Select(t => t.Data)));
            Assert.That(ModelFile.LoadTensors(path).Select(t => t.Name), Is.EqualTo(model.Tensors.Select(t => t.Name)));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*.tmp"), Is.Empty);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Load_SaysTheFileDoesNotExist()
    {
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load("/nonexistent/model.snm"));
        Assert.That(e!.Message, Does.Contain("/nonexistent/model.snm does not exist"));
    }

    [Test]
    public void Load_RejectsAFileOfNeitherFormat()
    {
        string path = TestModels.TempFile(".png");
        try
        {
            File.WriteAllBytes(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);

            var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
            Assert.That(e!.Message, Does.Contain("neither a ScratchNet model (.snm) nor a safetensors file"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
