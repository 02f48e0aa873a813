using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Settings;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>A key the user set that its switch leaves unread stops the run, naming both; a recipe's leftovers do not.</summary>
public sealed class IgnoredKeysTests
{
    private static IReadOnlyList<string> Problems(params string[] args)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(args);
        return IgnoredKeys.Problems(builder.Configuration);
    }

    [TestCase("--EarlyStopping:Patience=3", "EarlyStopping:Patience (3, from command line (--EarlyStopping:Patience)) would be ignored: it is read only with EarlyStopping:Enabled=true, and EarlyStopping:Enabled is false")]
    [TestCase("--Optimizer:Beta1=0.8", "Optimizer:Beta1 (0.8, from command line (--Optimizer:Beta1)) would be ignored: it is read only by the optimizers adam, adamw, and Optimizer:Name is sgd")]
    [TestCase("--Schedule:StepSize=5", "Schedule:StepSize (5, from command line (--Schedule:StepSize)) would be ignored: it is read only by the schedules step, and Schedule:Name is constant")]
    [TestCase("--Data:Augment:MaxRotationDegrees=15", "Data:Augment:MaxRotationDegrees (15, from command line (--Data:Augment:MaxRotationDegrees)) would be ignored: it is read only with Data:Augment:Enabled=true")]
    [TestCase("--Data:Split=official --Data:Seed=7", "Data:Seed (7, from command line (--Data:Seed)) would be ignored: it is read only by the random split")]
    [TestCase("--recipe fast --Data:ValidationFraction=0.1", "Data:ValidationFraction (0.1, from command line (--Data:ValidationFraction)) would be ignored: it is read only by the random split")]
    [TestCase("--recipe cnn --Model:LayerSizes=784,256,10", "Model:LayerSizes (784,256,10, from command line (--Model:LayerSizes)) would be ignored: it is read only without Model:Layers")]
    [TestCase("--recipe cnn --Model:Dropout=0.3", "Model:Dropout (0.3, from command line (--Model:Dropout)) would be ignored")]
    [TestCase("--Optimizer:Name=adam --Optimizer:Momentum=0.9", "Optimizer:Momentum (0.9, from command line (--Optimizer:Momentum)) would be ignored: it is read only by the optimizers sgd, rmsprop, and Optimizer:Name is adam")]
    [TestCase("--Data:Augment:Enabled=true --Data:Augment:ElasticAlpha=20", "Data:Augment:ElasticAlpha (20, from command line (--Data:Augment:ElasticAlpha)) would be ignored: it is read only with Data:Augment:Elastic=true")]
    [TestCase("--Data:Directory=/data/digits", "Data:Directory (/data/digits, from command line (--Data:Directory)) would be ignored: it is read only with Data:Dataset=idx")]
    [TestCase("--Checkpoints:Directory= --Checkpoints:KeepLast=5", "Checkpoints:KeepLast (5, from command line (--Checkpoints:KeepLast)) would be ignored: it is read only while checkpoints are on (an empty Checkpoints:Directory turns them off), and Checkpoints:Directory is empty")]
    [TestCase("--Checkpoints:SaveBest=false --Checkpoints:Monitor=val_acc", "Checkpoints:Monitor (val_acc, from command line (--Checkpoints:Monitor)) would be ignored: it is read only with Checkpoints:SaveBest=true")]
    [TestCase("--Reports:TensorBoardImageEvery=2", "Reports:TensorBoardImageEvery (2, from command line (--Reports:TensorBoardImageEvery)) would be ignored: it is read only with Reports:TensorBoard=true")]
    [TestCase("--Model:LayerSizes=784,10 --Model:Dropout=0.5", "Model:Dropout (0.5, from command line (--Model:Dropout)) would be ignored: it is read only with a hidden layer in Model:LayerSizes")]
    [TestCase("--Model:LayerSizes=784,10 --Model:Activation=tanh", "Model:Activation (tanh, from command line (--Model:Activation)) would be ignored: it is read only with a hidden layer in Model:LayerSizes")]
    [TestCase("--Model:InitFrom=m.snm --Model:Initializer=xavier_uniform", "Model:Initializer (xavier_uniform, from command line (--Model:Initializer)) would be ignored: it is read only without Model:InitFrom (the file gives every weight and bias), and Model:InitFrom is m.snm")]
    public void AKeyTheUserSetThatItsSwitchLeavesUnread_IsOneProblemNamingBoth(string args, string expected) =>
        Assert.That(Problems(args.Split(' ')), Has.One.StartsWith(expected));

    [TestCase("--recipe cnn --Optimizer:Name=adam")]
    [TestCase("--recipe cnn")]
    [TestCase("--recipe fast")]
    [TestCase("--recipe cnn-augmented --Data:Augment:Enabled=false")]
    [TestCase("--Optimizer:Name=rmsprop --Optimizer:Momentum=0.9 --Optimizer:Alpha=0.95")]
    [TestCase("--Schedule:Name=plateau --Schedule:Patience=2 --Schedule:MinLearningRate=0.0001")]
    [TestCase("--EarlyStopping:Enabled=true --EarlyStopping:Patience=3")]
    [TestCase("--recipe cnn --Model:LayerSizes=")]
    [TestCase("--Training:Epochs=5")]
    [TestCase("--Model:LayerSizes=784,32,10 --Model:Dropout=0.5 --Model:Activation=tanh")]
    [TestCase("--Model:Dropout=0.5 --Model:Activation=tanh")]
    [TestCase("--recipe cnn --Model:InitFrom=m.snm")]
    [TestCase("--Data:Dataset=idx --Data:Directory=/data/digits --Data:CacheDirectory=/tmp/cache")]
    [TestCase("--Checkpoints:KeepLast=5 --Checkpoints:Monitor=val_acc")]
    [TestCase("--Reports:TensorBoard=true --Reports:TensorBoardImageEvery=2")]
    public void WhatARecipeLeavesBehindOnPurpose_OrWhatIsRead_IsNoProblem(string args) =>
        Assert.That(Problems(args.Split(' ')), Is.Empty);

    [Test]
    public void AKeyLeftUnreadByTwoSwitches_IsOneProblem() =>
        Assert.That(Problems("--recipe", "cnn", "--Model:LayerSizes=784,10", "--Model:Dropout=0.3").Count(p => p.StartsWith("Model:Dropout", StringComparison.Ordinal)), Is.EqualTo(1));

    [Test]
    public void ALaterSwitchWins_SoAnOverrideOfTheNetworkOnTheCommandLineLeavesAFilesShorthandBehind()
    {
        string file = Path.Combine(Path.GetTempPath(), $"scratchnet-ignored-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Model": { "LayerSizes": "784,300,10", "Dropout": 0.1 } }""");
        try
        {
            Assert.That(Problems("--config", file, "--Model:Layers:0=flatten", "--Model:Layers:1=dense 10"), Is.Empty, "the command line chose Model:Layers after the file");
            Assert.That(Problems("--config", file, "--recipe", "cnn"), Has.Count.EqualTo(2).And.Some.StartsWith($"Model:LayerSizes (784,300,10, from {file})"), "the recipe sits below the file");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
