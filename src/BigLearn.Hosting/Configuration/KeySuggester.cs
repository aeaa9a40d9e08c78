namespace BigLearn.Hosting.Configuration;

/// <summary>Finds the known key nearest to a mistyped one (Levenshtein distance), for "did you mean" hints.</summary>
internal static class KeySuggester
{
    /// <summary>The longest key (and known key) compared: the distance costs the product of the lengths.</summary>
    public const int MaxLength = 100;

    /// <summary>
    /// The nearest known key, or null when none is close enough to be a plausible typo. Keys longer than
    /// <see cref="MaxLength"/> get no suggestion (a key made from a long line of junk would cost seconds to minutes,
    /// more so against known keys that hold its group name).
    /// </summary>
    public static string? Nearest(string key, IEnumerable<string> known)
    {
        if (key.Length > MaxLength) return null;
        string? best = null;
        var bestDistance = int.MaxValue;
        var limit = Math.Max(2, key.Length / 2);
        foreach (var candidate in known)
        {
            // The distance is at least the difference of the lengths: a far longer key (a line of junk) costs nothing.
            if (candidate.Length > MaxLength || Math.Abs(key.Length - candidate.Length) > limit) continue;
            var distance = Distance(key, candidate);
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        // A suggestion further away than half the key's length is noise rather than help.
        return best is not null && bestDistance <= limit ? best : null;
    }

    /// <summary>Levenshtein edit distance (insertions, deletions, substitutions), case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
