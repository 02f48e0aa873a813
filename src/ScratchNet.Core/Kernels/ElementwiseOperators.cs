using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

// The operator contracts Elementwise runs: each operator is a struct giving the same arithmetic per lane in
// Vector512, Vector256 and scalar form, so a call specialises and inlines (see Elementwise).
/// <summary>An operation on one element, given as Vector512 and Vector256 lane-wise forms and a scalar form.</summary>
public interface IUnaryOperator
{
    static abstract float Invoke(float x);

    static abstract Vector512<float> Invoke(Vector512<float> x);

    /// <summary>For machines without AVX-512 (AVX2); the same arithmetic per lane as the Vector512 form.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x);
}

/// <summary>An operation on two elements, as Vector512 and Vector256 lane-wise forms and a scalar form.</summary>
public interface IBinaryOperator
{
    static abstract float Invoke(float x, float y);

    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);

    /// <summary>For machines without AVX-512 (AVX2); the same arithmetic per lane as the Vector512 form.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);
}

/// <summary>An operation on one element and a constant the caller holds (leaky ReLU's slope), in the same three forms.</summary>
public interface IUnaryOperatorWithConstant
{
    static abstract float Invoke(float x, float constant);

    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> constant);

    /// <summary>For machines without AVX-512 (AVX2); the same arithmetic per lane as the Vector512 form.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> constant);
}

/// <summary>An operation on two elements and a constant the caller holds, in the same three forms.</summary>
public interface IBinaryOperatorWithConstant
{
    static abstract float Invoke(float x, float y, float constant);

    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> constant);

    /// <summary>For machines without AVX-512 (AVX2); the same arithmetic per lane as the Vector512 form.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> constant);
}
