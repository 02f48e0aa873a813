using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace ScratchNet.Host.Tests;

/// <summary>The log lines a person reads write their numbers as the epoch lines do.</summary>
public sealed partial class LogTemplateTests
{
    // A loss or an accuracy, by its property's name: TrainLoss, ValAccuracy, InitialLoss, Loss.
    [GeneratedRegex(@"\{(?<name>[A-Za-z]*(?:Loss|Accuracy))(?<format>[,:][^}]*)?\}")]
    private static partial Regex Metrics();

    private static IEnumerable<Assembly> ScratchNetAssemblies =>
    [
        typeof(Program).Assembly,
        typeof(Training.DependencyInjection).Assembly,
        typeof(Data.DependencyInjection).Assembly,
        typeof(Dashboard.DependencyInjection).Assembly,
        typeof(ScratchNet.Models.SavedModel).Assembly,
    ];

    [Test]
    public void EveryLossAndAccuracyInALogTemplateHasAFormat()
    {
        // Regression: diagnose's overfit line printed "loss 2.541923761367798 -> 0.00746979471296072" beside lines of four decimals.
        var templates = ScratchNetAssemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();
        Assert.That(templates, Has.Count.GreaterThan(20), "the templates are found");

        var unformatted = templates
            .SelectMany(t => Metrics().Matches(t.Attribute!.Message).Where(m => !m.Groups["format"].Success)
                .Select(m => $"{t.Method.DeclaringType!.Name}.{t.Method.Name}: {{{m.Groups["name"].Value}}}"))
            .ToList();
        Assert.That(unformatted, Is.Empty, "give each a format, e.g. {Loss:F4} (ReadableNumbers writes an astronomical one in exponent form)");
    }
}
