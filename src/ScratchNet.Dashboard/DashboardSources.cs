namespace ScratchNet.Dashboard;

/// <summary>What the dashboard shows besides the live run: the runs folder, and a model file given with <c>serve --model</c>.</summary>
public sealed record DashboardSources(string RunsDirectory, string? ModelFile = null);
