namespace ScratchNet.Host.Settings;

/// <summary>One configured value and where it came from ("command line", "config/appsettings.json", …).</summary>
public sealed record ConfigurationKey(string Key, string Value, string Source);
