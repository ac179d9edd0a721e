namespace ImproveBot.Core.Digest;

/// <summary>Takes an erased member's words out of a stored digest (the outbox keeps what it sends, and sent copies too).</summary>
internal static class DigestErasure
{
    /// <summary>
    /// The digest without the ideas in <paramref name="deleted"/> and with no author on those in <paramref name="anonymised"/>.
    /// Counts stay: they name nobody.
    /// </summary>
    public static TeamDigest Without(TeamDigest digest, IReadOnlySet<long> deleted, IReadOnlySet<long> anonymised)
    {
        IReadOnlyList<DigestIdea> Clean(IReadOnlyList<DigestIdea> ideas) =>
            ideas.Where(i => !deleted.Contains(i.Id)).Select(i => anonymised.Contains(i.Id) ? i with { Author = null } : i).ToList();

        return digest with
        {
            NewIdeaGroups = digest.NewIdeaGroups.Select(g => g with { Ideas = Clean(g.Ideas) }).Where(g => g.Ideas.Count > 0).ToList(),
            MostVoted = Clean(digest.MostVoted),
            StatusChanges = Clean(digest.StatusChanges),
            Outcomes = digest.Outcomes is null ? null : Clean(digest.Outcomes),
        };
    }
}
