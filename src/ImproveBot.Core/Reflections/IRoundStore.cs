using NodaTime;

namespace ImproveBot.Core.Reflections;

/// <summary>Storage port for rounds, prompt deliveries and reflections.</summary>
public interface IRoundStore
{
    Task<ReflectionRound?> FindRoundAsync(long teamId, LocalDate promptDate, CancellationToken ct);
    Task<ReflectionRound?> GetRoundAsync(long roundId, CancellationToken ct);

    /// <summary>The team's newest round (by prompt date), open or closed.</summary>
    Task<ReflectionRound?> LatestRoundAsync(long teamId, CancellationToken ct);

    /// <summary>Rounds whose window has closed and whose digest has not been posted.</summary>
    Task<IReadOnlyList<ReflectionRound>> ListDigestDueAsync(DateTimeOffset now, CancellationToken ct);
    void AddRound(ReflectionRound round);

    Task<PromptDelivery?> FindDeliveryAsync(long roundId, long memberId, CancellationToken ct);
    Task<IReadOnlyList<PromptDelivery>> ListDeliveriesAsync(long roundId, CancellationToken ct);

    /// <summary>Member ids that already have a delivery in the round.</summary>
    Task<IReadOnlySet<long>> DeliveredMemberIdsAsync(long roundId, CancellationToken ct);

    /// <summary>Deliveries in open rounds that were sent but neither answered, skipped nor reminded.</summary>
    Task<IReadOnlyList<PromptDelivery>> ListAwaitingAnswerAsync(DateTimeOffset now, CancellationToken ct);

    /// <summary>Deliveries in open rounds whose session started at or before <paramref name="startedBy"/>, not answered, skipped or nudged yet.</summary>
    Task<IReadOnlyList<PromptDelivery>> ListStartedUnansweredAsync(DateTimeOffset startedBy, DateTimeOffset now, CancellationToken ct);

    /// <summary>The member's delivery in their newest round that is still open at <paramref name="now"/>.</summary>
    Task<PromptDelivery?> FindOpenDeliveryForMemberAsync(long memberId, DateTimeOffset now, CancellationToken ct);
    void AddDelivery(PromptDelivery delivery);

    Task<Reflection?> FindReflectionAsync(long roundId, long memberId, CancellationToken ct);
    Task<IReadOnlyList<Reflection>> ListReflectionsAsync(long roundId, CancellationToken ct);
    Task<IReadOnlyList<Reflection>> ListReflectionsByMemberAsync(long memberId, DateTimeOffset since, CancellationToken ct);
    void AddReflection(Reflection reflection);

    /// <summary>A team's reflections submitted since a moment (optionally one member's), with their round's date.</summary>
    Task<IReadOnlyList<ReflectionRecord>> ListReflectionHistoryAsync(long teamId, long? memberId, DateTimeOffset since, CancellationToken ct);

    /// <summary>A team's rounds whose prompt date is on or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<ReflectionRound>> ListRoundsAsync(long teamId, LocalDate since, CancellationToken ct);
}

/// <summary>A reflection as statistics see it.</summary>
public sealed record ReflectionRecord(long MemberId, LocalDate PromptDate, TimeSpan? Duration, DateTimeOffset SubmittedAt);
