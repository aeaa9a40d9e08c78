namespace BigLearn.Core.Objectives;

/// <summary>Small dense lower-triangular algebra on row-major spans, shared by the plain-arithmetic paths.</summary>
internal static class LowerTriangular
{
    /// <summary>
    /// L⁻¹ of the d×d lower-triangular <paramref name="factor"/>, column s by forward substitution of L m = e_s, into
    /// <paramref name="inverse"/> (its upper part is left as it is: zero it first when it matters).
    /// </summary>
    public static void Invert(ReadOnlySpan<double> factor, Span<double> inverse, int d)
    {
        for (int s = 0; s < d; s++)
            for (int r = s; r < d; r++)
            {
                double value = r == s ? 1 : 0;
                for (int j = s; j < r; j++) value -= factor[r * d + j] * inverse[j * d + s];
                inverse[r * d + s] = value / factor[r * d + r];
            }
    }
}
