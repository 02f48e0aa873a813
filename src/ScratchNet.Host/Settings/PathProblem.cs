namespace ScratchNet.Host.Settings;

/// <summary>A path key whose value, as a user's source wrote it, cannot be taken as a path (<see cref="PathSettings.Read"/>).</summary>
/// <param name="Key">The key as <see cref="PathSettings.Keys"/> spells it.</param>
/// <param name="Written">The key as the source spelled it, to name the source (<c>--run:directory</c>).</param>
/// <param name="Value">The value, trimmed and with <c>~</c> expanded where that left something to show.</param>
/// <param name="Problem">Why, and what to write instead.</param>
public sealed record PathProblem(string Key, string Written, string Value, string Problem);
