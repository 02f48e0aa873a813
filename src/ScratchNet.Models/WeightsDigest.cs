using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ScratchNet.Models;

/// <summary>
/// One SHA-256 over a model's tensors: each one's name, shape and float32 values, in the ordinal order of the names.
/// Two models with bit-identical weights have the same digest whatever file holds them and whenever it was written (a
/// file's own bytes differ by its header: model.snm's createdUtc, the safetensors metadata), so it is what checks a rerun.
/// </summary>
public static class WeightsDigest
{
    /// <summary>The digest, as lower-case hex.</summary>
    public static string Of(IEnumerable<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (NamedTensor tensor in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            // Each part is preceded by its length, so no two different tensors (a name's end taken for a shape) hash alike.
            byte[] name = Encoding.UTF8.GetBytes(tensor.Name);
            AppendInt32(hash, name.Length);
            hash.AppendData(name);
            AppendInt32(hash, tensor.Shape.Count);
            foreach (int dimension in tensor.Shape)
            {
                AppendInt32(hash, dimension);
            }

            AppendInt32(hash, tensor.Data.Length);
            hash.AppendData(Float32Bytes.ToBytes(tensor.Data));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendInt32(IncrementalHash hash, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
