namespace ScratchNet.Dashboard.Server;

/// <summary>The dashboard cannot listen where it was told to (the port is taken, or the address is not this machine's). A user error.</summary>
public sealed class DashboardUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
