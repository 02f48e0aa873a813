namespace ScratchNet.Host;

/// <summary>This run's folder, <c>{Run:Directory}/{yyyyMMdd-HHmmss}</c>: its log, its model and its reports go here.</summary>
public sealed record RunFolder(string Path);
