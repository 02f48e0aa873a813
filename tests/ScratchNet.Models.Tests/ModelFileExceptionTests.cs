using ScratchNet.Files;

namespace ScratchNet.Models.Tests;

/// <summary>
/// A model file's refusal carries its parts (the file, the problem, the remedy), and its one line is made of them alone:
/// a caller that shows them apart (the dashboard) reads the parts, never the sentence.
/// </summary>
public sealed class ModelFileExceptionTests
{
    [Test]
    public void TheMessageIsTheFileTheProblemAndTheRemedyInOneSentence()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new ModelFileException("m.snm", "is empty (0 bytes)", "give a file written by 'train' or 'export'").Message,
                Is.EqualTo("The model file m.snm is empty (0 bytes); give a file written by 'train' or 'export'."));
            Assert.That(new ModelFileException("m.snm", "is invalid: it has no layers").Message, Is.EqualTo("The model file m.snm is invalid: it has no layers."));
            Assert.That(ModelFileException.Safetensors("w.safetensors", "is invalid: its header is not a JSON object").Message,
                Is.EqualTo("The safetensors file w.safetensors is invalid: its header is not a JSON object."));
            Assert.That(ModelFileException.Model("m.snm", "takes 1 × 28 × 28 images, but the idx data has 1 × 16 × 49 inputs", "evaluate it on other data").Message,
                Is.EqualTo("The model m.snm takes 1 × 28 × 28 images, but the idx data has 1 × 16 × 49 inputs; evaluate it on other data."));
        });
    }

    [Test]
    public void NamingTheFileAnotherWayKeepsItsPartsAndHidesTheOldName()
    {
        var e = ModelFileException.Safetensors("/srv/runs/a/model.snm", "has no metadata", "use it with --Model:InitFrom=/srv/runs/a/model.snm instead");

        ModelFileException named = e.Naming("a/model.snm");

        Assert.That(named.File, Is.EqualTo("a/model.snm"));
        Assert.That(named.Problem, Is.EqualTo("has no metadata"));
        Assert.That(named.Remedy, Is.EqualTo("use it with --Model:InitFrom=a/model.snm instead"));
        Assert.That(named.Message, Is.EqualTo("The safetensors file a/model.snm has no metadata; use it with --Model:InitFrom=a/model.snm instead."));
    }

    // The server's path in a name a line break or a quote makes ShownName quote: a remedy that named it as a line shows it
    // ("…InitFrom=\"/srv/…\"") kept it through Naming, which replaced the name only as written (closing note 10).
    [TestCase(ModelFileException.FileName)]
    [TestCase("{shown}")]
    [TestCase("{raw}")]
    public void NamingTheFileAnotherWay_LeavesNoTraceOfTheOldName_WhateverItHolds(string written)
    {
        const string server = "/srv/r\"uns/a\nb/model.safetensors";
        string name = written.Replace("{shown}", ShownName.Of(server), StringComparison.Ordinal).Replace("{raw}", server, StringComparison.Ordinal);
        var e = ModelFileException.Safetensors(server, $"has no metadata, unlike {name}'s run", $"use it with --Model:InitFrom={name} instead");
        Assert.That(e.Remedy, Is.EqualTo($"use it with --Model:InitFrom={(written == "{raw}" ? server : ShownName.Of(server))} instead"), "the name as written, or as a line shows it");

        ModelFileException named = e.Naming("a\nb/model.snm");

        Assert.That(named.Message, Does.Not.Contain("srv"));
        Assert.That(named.Problem, Is.EqualTo($"has no metadata, unlike {ShownName.Of("a\nb/model.snm")}'s run"));
        Assert.That(named.Remedy, Is.EqualTo($"use it with --Model:InitFrom={ShownName.Of("a\nb/model.snm")} instead"));
        Assert.That(named.Message, Does.Not.Contain("\n"), "one line");
    }

    // A file that is no file at all is refused with InputFile's words, taken as parts, not cut out of its message.
    [Test]
    public void AMissingFileIsNamedByItsFullPathWithWhatToGive()
    {
        string path = Path.GetRelativePath(Directory.GetCurrentDirectory(), TestModels.TempFile(".snm"));

        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));

        Assert.That(e!.File, Is.EqualTo(Path.GetFullPath(path)));
        Assert.That(e.Problem, Is.EqualTo("does not exist"));
        Assert.That(e.Remedy, Is.EqualTo("give a file written by 'train' or 'export'"));
        Assert.That(e.Message, Is.EqualTo($"The model file {Path.GetFullPath(path)} does not exist; give a file written by 'train' or 'export'."));
    }

    [Test]
    public void ARunFolderGivenForItsModelIsRefusedNamingTheModelInsideIt()
    {
        string folder = TestModels.TempFile("-run");
        Directory.CreateDirectory(folder);
        try
        {
            string inside = Path.Combine(folder, "model.snm");
            ModelFile.Save(TestModels.Model([4, 3, 2]), inside, ModelFormat.Native);

            var e = Assert.Throws<ModelFileException>(() => ModelFile.LoadRecord(folder));

            Assert.That(e!.File, Is.EqualTo(folder));
            Assert.That(e.Problem, Is.EqualTo("is a directory, not a regular file"));
            Assert.That(e.Message, Is.EqualTo($"The model file {folder} is a directory, not a regular file; give the model inside it, {inside}."));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
