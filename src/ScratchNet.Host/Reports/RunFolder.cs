namespace ScratchNet.Host.Reports;

/// <summary>This run's folder, <c>{Run:Directory}/{yyyyMMdd-HHmmss}</c>: the log, the history, the metrics and the plots go here.</summary>
public sealed record RunFolder(string Path);
