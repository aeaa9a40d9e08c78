using System.Globalization;

namespace BigLearn.Reporting;

/// <summary>How tables, titles and progress lines write a measured figure.</summary>
public static class FigureText
{
    /// <summary>
    /// At most three decimals (<c>0.###</c>), with a rounded negative zero written as 0: a Monte-Carlo KL of a model that
    /// equals its target comes out as ±1e-16, and "-0" in a table reads like a bug.
    /// </summary>
    public static string ThreeDecimals(double value)
    {
        string text = value.ToString("0.###", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }
}
