namespace ScratchNet.Models;

/// <summary>
/// A model file is missing, unreadable, damaged, of an unknown format or version, or does not fit the network it
/// is meant for. The message names the file and what is wrong; a user error (exit code 5), not a bug.
/// </summary>
public sealed class ModelFileException(string message, Exception? inner = null) : Exception(message, inner);
