using Microsoft.Extensions.Options;
using System.Globalization;
using ScratchNet.Core.Activations;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Initializers;
using ScratchNet.Files;

namespace ScratchNet.Training.Options;

/// <summary>Checks the Model section. Every message names the key, the value and what is allowed.</summary>
public sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.HasLayers())
        {
            options.TryParseLayers(out IReadOnlyList<string> layerErrors);
            errors.AddRange(layerErrors);
            // The MLP shorthand (LayerSizes, Activation, Dropout) is not read; a user's key of it left beside Model:Layers is
            // refused by the host, which knows who set what (IgnoredKeys).
        }
        else if (options.TryParseLayerSizes(out string? sizeError) is not { } sizes)
        {
            errors.Add(sizeError!);
        }
        else if (ModelFileCeiling(options.LayerSizes, sizes) is { } ceiling)
        {
            // First: no batch size and no machine can help a network whose model file could not be loaded again.
            errors.Add(ceiling);
        }
        else
        {
            // Weights and gradients only: the optimizer's state is counted by the trainer, which knows the optimizer.
            long needed = MemoryBudget.ParameterBytes(sizes, stateArrays: 0);
            if (needed > MemoryBudget.Available / 2)
            {
                errors.Add($"Model:LayerSizes '{options.LayerSizes}' needs at least {MemoryBudget.Describe(needed)} for its weights and gradients; this machine has {MemoryBudget.Describe(MemoryBudget.Available)}, so the limit here is {MemoryBudget.Describe(MemoryBudget.Available / 2)}: make the layers narrower");
            }
        }

        if (!options.HasLayers() && !Activation.IsKnown(options.Activation))
        {
            errors.Add($"Model:Activation '{options.Activation}' is unknown; valid: {string.Join(", ", Activation.Names)}");
        }

        if (!Initializer.IsKnown(options.Initializer))
        {
            errors.Add($"Model:Initializer '{options.Initializer}' is unknown; valid: {string.Join(", ", Initializer.Names)}");
        }

        if (!string.IsNullOrWhiteSpace(options.InitFrom) && FileKinds.Of(options.InitFrom) is not (FileKind.Regular or FileKind.Unknown) and var kind)
        {
            errors.Add(kind == FileKind.Missing
                ? $"Model:InitFrom {ShownName.Of(options.InitFrom)} does not exist; give the path of a .snm or .safetensors file, e.g. runs/20260101-120000-8f3a9c1e/model.snm"
                : $"Model:InitFrom {ShownName.Of(options.InitFrom)} {FileKinds.NotA(kind, "a regular file")}; give the path of a .snm or .safetensors file");
        }

        if (!(options.Dropout >= 0f && options.Dropout < 1f))
        {
            errors.Add($"Model:Dropout must be in [0, 1), got {options.Dropout}");
        }

        return OptionRules.Result(errors);
    }

    /// <summary>
    /// The refusal for an MLP whose weights and biases are more than a model file holds (<see cref="NetworkLimits.MaxStoredValues"/>),
    /// naming how wide its widest hidden layer could be with the others as they are; null when it fits.
    /// </summary>
    internal static string? ModelFileCeiling(string text, IReadOnlyList<int> sizes)
    {
        long stored = MemoryBudget.Parameters(sizes);
        if (stored <= NetworkLimits.MaxStoredValues)
        {
            return null;
        }

        string fix = "make the layers narrower";
        int widest = Enumerable.Range(1, Math.Max(0, sizes.Count - 2)).OrderByDescending(i => sizes[i]).FirstOrDefault();
        if (widest > 0)
        {
            // The weights and biases that do not depend on the widest layer, and what each of its units adds.
            long rest = stored - (((long)sizes[widest - 1] * sizes[widest]) + sizes[widest] + ((long)sizes[widest] * sizes[widest + 1]));
            long perUnit = sizes[widest - 1] + 1L + sizes[widest + 1];
            long most = (NetworkLimits.MaxStoredValues - rest) / perUnit;
            if (most >= 1)
            {
                fix = string.Create(CultureInfo.InvariantCulture, $"make the layers narrower (with the others as they are, layer {widest}'s {sizes[widest]} units could be at most {most})");
            }
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"Model:LayerSizes '{text}' has {stored:N0} weights and biases (a model file of {stored * sizeof(float) / (double)(1L << 30):F1} GiB), more than {NetworkLimits.MaxStoredValues:N0}, the most a ScratchNet model file holds, so evaluate, predict and export could not load what training would save; {fix}");
    }
}
