namespace ImproveBot.Core.Storage;

/// <summary>
/// Commits everything the stores staged in this scope, atomically. Store methods that add or change
/// entities only stage; nothing is durable until this is called.
/// </summary>
public interface IUnitOfWork
{
    /// <summary>Commits; throws <see cref="DuplicateKeyException"/> when a unique key (e.g. an idempotency key) already exists.</summary>
    Task SaveChangesAsync(CancellationToken cancellationToken);

    /// <summary>Discards staged additions after a failed commit (e.g. a duplicate key), keeping loaded entities tracked.</summary>
    void Reset();

    /// <summary>Forgets everything staged or loaded in this scope after a failed commit, so nothing half-done is saved later.</summary>
    void DiscardChanges();
}

/// <summary>A commit was refused because a unique key already exists: someone else did the same work first.</summary>
public sealed class DuplicateKeyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The database could not store a change just now (busy or locked beyond the wait, full, unreachable): nothing of that
/// change was stored, and the same request may succeed later.
/// </summary>
public sealed class StorageUnavailableException(string reason, Exception? inner = null)
    : Exception($"The database could not store the change: {reason}.", inner)
{
    /// <summary>A short, loggable reason without data, e.g. <c>busy</c> or <c>full</c>.</summary>
    public string Reason { get; } = reason;
}
