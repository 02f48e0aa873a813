using System.Text.Json.Serialization;

namespace ScratchNet.Models.Native;

// The JSON header of a native model file. Plain data classes with fixed types: System.Text.Json fills them
// and nothing in the file can name a type to create (no $type, no polymorphism).
internal sealed class NativeHeader
{
    public string? Format { get; set; }

    public List<LayerSpec>? Layers { get; set; }

    public List<NativeTensorEntry>? Tensors { get; set; }

    public Dictionary<string, string>? Configuration { get; set; }

    public RunManifest? Manifest { get; set; }

    // Both added after version 1's first files, which lack them (null); builds before them skip them as unknown properties,
    // and a model without them leaves them out, so its file is what it was before.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RowShape? ImageShape { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<DataHistoryEntry>? DataHistory { get; set; }
}

/// <param name="Offset">Byte offset from the start of the data section.</param>
/// <param name="Length">Byte length: 4 × the product of <paramref name="Shape"/>.</param>
internal sealed record NativeTensorEntry(string Name, int[] Shape, long Offset, long Length);
