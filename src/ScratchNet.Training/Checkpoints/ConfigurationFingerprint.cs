using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Options;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// SHA-256 of the settings that decide what a run computes: Data (with Data:Augment when it is on), Model, Training,
/// Optimizer and Schedule.
/// Checkpoints carry it, and a resume under other settings is refused, because it could not reproduce
/// the uninterrupted run. Checkpoint, early-stopping and display settings are left out: they do not change the numbers.
/// </summary>
public sealed class ConfigurationFingerprint(
    IOptions<DataOptions> data,
    IOptions<ModelOptions> model,
    IOptions<TrainingOptions> training,
    IOptions<OptimizerOptions> optimizer,
    IOptions<ScheduleOptions> schedule,
    IOptions<AugmentationOptions>? augmentation = null)
{
    // Empty lists are left out, so adding a list setting (Model:Layers) left the fingerprints of runs that do not use it unchanged.
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LeaveOutEmptyLists } },
    };

    public string Compute()
    {
        var sections = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["Data"] = new { data.Value.Dataset, data.Value.Split, data.Value.ValidationFraction, data.Value.Seed },
            ["Model"] = model.Value,
            ["Optimizer"] = optimizer.Value,
            ["Schedule"] = schedule.Value,
            ["Training"] = training.Value,
        };

        // Only when on, so the runs and checkpoints from before augmentation existed keep their fingerprints.
        if (augmentation?.Value is { Enabled: true } augment)
        {
            sections["Data:Augment"] = augment;
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(sections, Json)));
        return Convert.ToHexStringLower(hash);
    }

    private static void LeaveOutEmptyLists(JsonTypeInfo type)
    {
        foreach (JsonPropertyInfo property in type.Properties)
        {
            if (typeof(System.Collections.ICollection).IsAssignableFrom(property.PropertyType))
            {
                property.ShouldSerialize = (_, value) => value is System.Collections.ICollection { Count: > 0 };
            }
        }
    }
}
