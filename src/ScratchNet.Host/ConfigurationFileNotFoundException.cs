namespace ScratchNet.Host;

/// <summary>The file named by --config does not exist.</summary>
public sealed class ConfigurationFileNotFoundException(string message) : Exception(message);
