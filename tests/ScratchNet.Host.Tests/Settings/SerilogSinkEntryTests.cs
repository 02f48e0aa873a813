using ScratchNet.Host.Settings;

namespace ScratchNet.Host.Tests.Settings;

// A sink written as Serilog:WriteTo:0 in a --config file lands on appsettings.json's Console sink and keeps its Args:
// the refusal blamed the shipped file's argument and said nothing the user could do.
public sealed class SerilogSinkEntryTests
{
    private const string Shipped = "/opt/scratchnet/config/appsettings.json";
    private const string Mine = "/home/ann/log.json";

    // Source by source, the lowest first, as ConfigurationSources lists them: the shipped console sink, then the user's Name over it.
    private static List<ConfigurationKey> ConsoleSinkUnder(string name, string nameSource) =>
    [
        new("Serilog:WriteTo:0:Name", "Console", Shipped),
        new("Serilog:WriteTo:0:Args:outputTemplate", "{Message}", Shipped),
        new("Serilog:WriteTo:0:Args:standardErrorFromLevel", "Warning", Shipped),
        new("Serilog:WriteTo:0:Args:formatProvider", "x", Shipped),
        .. nameSource == Shipped ? Array.Empty<ConfigurationKey>() : [new("Serilog:WriteTo:0:Name", name, nameSource)],
    ];

    [Test]
    public void ASinkNumberedOverTheShippedOne_IsToldToTakeTheNextNumber_Once()
    {
        List<ConfigurationKey> keys = [.. ConsoleSinkUnder("File", Mine), new("Serilog:WriteTo:0:Args:path", "/tmp/log.txt", Mine)];

        Assert.That(SerilogSettingsCheck.Problems(keys).ToList(), Is.EqualTo(new[]
        {
            $"Serilog:WriteTo:0 names File (from {Mine}), which takes the place of the entry {Shipped} numbers so and keeps its argument standardErrorFromLevel, which File does not take (lists merge item by item); to add File beside that entry, number it Serilog:WriteTo:1 (in JSON: \"WriteTo\": {{ \"1\": {{ \"Name\": \"File\", … }} }})",
        }));
    }

    [Test]
    public void TheNextNumber_IsPastEveryEntryOfEverySource()
    {
        List<ConfigurationKey> keys = [.. ConsoleSinkUnder("File", Mine), new("Serilog:WriteTo:2:Name", "Console", Shipped)];

        Assert.That(SerilogSettingsCheck.Problems(keys).Single(), Does.Contain("number it Serilog:WriteTo:3 (in JSON: \"WriteTo\": { \"3\":"));
    }

    [Test]
    public void AMisspeltArgumentGivenOverTheShippedSink_IsStillATypo()
    {
        List<ConfigurationKey> keys = [.. ConsoleSinkUnder("Console", Shipped), new("Serilog:WriteTo:0:Args:outputTemplat", "x", Mine)];

        Assert.That(SerilogSettingsCheck.Problems(keys).Single(), Is.EqualTo($"Serilog:WriteTo:0:Args:outputTemplat (from {Mine}): Console has no argument 'outputTemplat' — did you mean Serilog:WriteTo:0:Args:outputTemplate?"));
    }

    [Test]
    public void AMisspeltArgumentOfTheUsersOwn_IsStillATypo()
    {
        List<ConfigurationKey> keys = [new("Serilog:WriteTo:1:Name", "File", Mine), new("Serilog:WriteTo:1:Args:pth", "/tmp/log.txt", Mine)];

        Assert.That(SerilogSettingsCheck.Problems(keys).Single(), Is.EqualTo($"Serilog:WriteTo:1:Args:pth (from {Mine}): File has no argument 'pth' — did you mean Serilog:WriteTo:1:Args:path?"));
    }
}
