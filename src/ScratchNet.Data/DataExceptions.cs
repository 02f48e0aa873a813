namespace ScratchNet.Data;

/// <summary>Every source was tried and none delivered a verified file. The message lists what was tried and how to place the files by hand.</summary>
public sealed class DatasetUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A data file is malformed: wrong magic, wrong element type, dimensions that disagree with its length, truncation.</summary>
public sealed class InvalidDataFormatException(string message) : Exception(message);

/// <summary>The data is sound, but the settings describing it do not fit it (Data:ClassNames names fewer classes than its labels use): exit 2.</summary>
public sealed class DataSettingsException(string message) : Exception(message);

/// <summary>
/// The data did not fit in the memory this process may use while it was loaded: an <see cref="OutOfMemoryException"/>
/// whose message names the files and what they declare, since the network's size, which every other memory failure
/// points to, has no part in it.
/// </summary>
public sealed class DataOutOfMemoryException(string message) : OutOfMemoryException(message);
