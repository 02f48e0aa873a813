namespace ScratchNet.Core.Kernels;

/// <summary>Shape checks shared by the kernels. Messages name the buffer, its length and the shape it must hold.</summary>
internal static class Guard
{
    public static void Dimensions(int rows, int columns, string rowsName, string columnsName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, rowsName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns, columnsName);
    }

    /// <summary>Throws unless <paramref name="length"/> holds at least a (rows, columns) matrix.</summary>
    public static void Holds(int length, int rows, int columns, string name)
    {
        long needed = (long)rows * columns;
        if (length < needed)
        {
            throw new ArgumentException($"{name} has {length} values, but a ({rows}, {columns}) matrix needs {needed}", name);
        }
    }

    /// <summary>Throws unless two elementwise operands have the same length.</summary>
    public static void SameLength(int length, int expected, string name, string otherName)
    {
        if (length != expected)
        {
            throw new ArgumentException($"{name} has {length} values, but {otherName} has {expected}", name);
        }
    }
}
