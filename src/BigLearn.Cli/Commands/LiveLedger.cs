using System.Globalization;
using BigLearn.Hosting.Running;

namespace BigLearn.Cli.Commands;

/// <summary>The live view's ledger part: the agents with the most credit so far, in the progress bar or the plain progress lines.</summary>
internal static class LiveLedger
{
    /// <summary>"; top credit: #3 marginal 0.0123, …" (with "(sampled)" for a sampled ledger), or "" without a ledger.</summary>
    public static string TopAgents(RunProgress progress)
    {
        if (progress.TopAgents.Count == 0) return "";
        var agents = string.Join(", ", progress.TopAgents.Select(a =>
            string.Create(CultureInfo.InvariantCulture, $"#{a.AgentId} {a.Group} {a.Credit:0.####}")));
        return $"; top credit{(progress.CreditsSampled ? " (sampled)" : "")}: {agents}";
    }
}
