namespace ImproveBot.Core.Cluster;

/// <summary>
/// "Exactly one instance at a time does this": a named lease with a holder and an expiry, shared by every instance
/// on the database. For work that must not run twice at once across a cluster but is not a scheduled job, such as
/// holding the one Discord Gateway connection a bot may have.
/// </summary>
/// <remarks>
/// The holder is this process (<see cref="InstanceIdentity"/>). A holder renews well before expiry; an instance
/// that dies stops renewing, and another takes the lease once it has expired, so takeover costs at most one lease
/// duration. Expiry is judged on each caller's clock, so instances need synchronised clocks (NTP) and a lease much
/// longer than their skew. On SQLite (one process by design) the lease always succeeds.
/// <see cref="SingletonLeaseRunner"/> wraps the acquire-renew-cancel loop around a piece of work.
/// </remarks>
public interface ISingletonLease
{
    /// <summary>
    /// Takes the lease <paramref name="name"/> if it is free or expired, or renews it if this instance holds it,
    /// until now + <paramref name="duration"/>. Returns whether this instance holds it afterwards.
    /// </summary>
    Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct);

    /// <summary>Gives the lease up if this instance holds it, so another instance can take it without waiting for expiry.</summary>
    Task ReleaseAsync(string name, CancellationToken ct);
}

/// <summary>Who this process is in a cluster: the holder id of its leases and outbox claims. Unique per process start.</summary>
public sealed class InstanceIdentity
{
    public InstanceIdentity(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id.Length <= 100 ? id : id[..100];
    }

    public string Id { get; }

    /// <summary>Host name, process id and a random suffix: readable in the database, and never reused by a restart.</summary>
    public static InstanceIdentity ForThisProcess() =>
        new($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");

    public override string ToString() => Id;
}

/// <summary>
/// <see cref="ISingletonLease"/> for a bot that is one process by design (on SQLite, or a host without a database):
/// that process always holds every lease. Using the database lease here would only make a restarted bot wait out the lease its previous run left.
/// </summary>
public sealed class ProcessSingletonLease : ISingletonLease
{
    /// <summary>The one instance a process needs.</summary>
    public static ProcessSingletonLease Instance { get; } = new();

    public Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Task.FromResult(true);
    }

    public Task ReleaseAsync(string name, CancellationToken ct) => Task.CompletedTask;
}
