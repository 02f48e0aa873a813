namespace ScratchNet.Host.Commands;

/// <summary>The command line itself is wrong: an unknown command or option, or a missing argument. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
