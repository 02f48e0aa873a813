using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScratchNet.Data.Augmentation;

namespace ScratchNet.Data.Tests.Augmentation;

public sealed class AugmentationOptionsTests
{
    private static string Failure(Action<AugmentationOptions> change)
    {
        var options = new AugmentationOptions { Enabled = true };
        change(options);
        ValidateOptionsResult result = new AugmentationOptionsValidator().Validate(null, options);
        Assert.That(result.Failed, Is.True);
        return result.FailureMessage ?? string.Empty;
    }

    [Test]
    public void TheDefaults_AreValid_AndOff()
    {
        Assert.That(new AugmentationOptionsValidator().Validate(null, new AugmentationOptions()).Succeeded, Is.True);
        Assert.That(new AugmentationOptions().Enabled, Is.False);
    }

    [Test]
    public void EachKeyOutOfRange_IsNamedWithItsRangeAndValue()
    {
        Assert.That(Failure(o => o.MaxShift = 11), Does.Contain("Data:Augment:MaxShift must be 0 to 10 pixels, got 11"));
        Assert.That(Failure(o => o.MaxShift = -1), Does.Contain("Data:Augment:MaxShift must be 0 to 10 pixels, got -1"));
        Assert.That(Failure(o => o.MaxRotationDegrees = 200), Does.Contain("Data:Augment:MaxRotationDegrees must be 0 to 180 degrees, got 200"));
        Assert.That(Failure(o => o.ScaleRange = 0.6), Does.Contain("Data:Augment:ScaleRange must be 0 to 0.5").And.Contain("got 0.6"));
        Assert.That(Failure(o => o.ElasticAlpha = -3), Does.Contain("Data:Augment:ElasticAlpha must be 0 to 100 pixels, got -3"));
        Assert.That(Failure(o => o.ElasticSigma = 0.2), Does.Contain("Data:Augment:ElasticSigma must be 0.5 to 10 pixels, got 0.2"));
    }

    [Test]
    public void NotANumber_IsRejected() =>
        Assert.That(Failure(o => o.MaxRotationDegrees = double.NaN), Does.Contain("Data:Augment:MaxRotationDegrees must be 0 to 180 degrees, got NaN"));

    [Test]
    public void EveryProblem_IsReportedTogether()
    {
        string message = Failure(o => (o.MaxShift, o.ElasticSigma) = (20, 50));
        Assert.That(message, Does.Contain("MaxShift").And.Contain("ElasticSigma"));
    }

    [Test]
    public void TheSection_IsBoundFromDataAugment_AndValidated()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Data:Augment:Enabled"] = "true", ["Data:Augment:MaxShift"] = "3", ["Data:Augment:Elastic"] = "true" })
            .Build();
        using ServiceProvider provider = new ServiceCollection().AddSingleton(configuration).AddScratchNetData(configuration).BuildServiceProvider();
        AugmentationOptions options = provider.GetRequiredService<IOptions<AugmentationOptions>>().Value;
        Assert.That((options.Enabled, options.MaxShift, options.Elastic, options.MaxRotationDegrees), Is.EqualTo((true, 3.0, true, 10.0)));

        IConfiguration bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Data:Augment:ScaleRange"] = "2" }).Build();
        using ServiceProvider badProvider = new ServiceCollection().AddSingleton(bad).AddScratchNetData(bad).BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => _ = badProvider.GetRequiredService<IOptions<AugmentationOptions>>().Value);
        Assert.That(ex!.Message, Does.Contain("Data:Augment:ScaleRange must be 0 to 0.5"));
    }
}
