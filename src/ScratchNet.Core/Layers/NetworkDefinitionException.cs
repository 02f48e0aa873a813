namespace ScratchNet.Core.Layers;

/// <summary>A network description that cannot be built: a layer the grammar does not know, or shapes that do not chain. The message names the layer and the shapes.</summary>
public sealed class NetworkDefinitionException(string message) : Exception(message);
