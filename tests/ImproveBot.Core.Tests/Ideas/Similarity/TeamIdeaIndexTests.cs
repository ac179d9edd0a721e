using ImproveBot.Core.Ideas;
using ImproveBot.Core.Ideas.Similarity;
using Microsoft.Extensions.Time.Testing;

namespace ImproveBot.Core.Tests.Ideas.Similarity;

/// <summary>A team's index is read from the store once, and reloaded by one request at a time when it is old.</summary>
public sealed class TeamIdeaIndexTests
{
    private const long Team = 1;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    private Idea NewIdea(long id, string text)
    {
        var idea = new Idea(Team, authorId: 7, text, [], IdeaSource.InFlow, IdeaVisibility.Team, _clock.GetUtcNow());
        typeof(Idea).GetProperty(nameof(Idea.Id))!.SetValue(idea, id);
        return idea;
    }

    private IdeaView Stored(long id, string text) =>
        new(id, Team, text, [], IdeaSource.InFlow, IdeaVisibility.Team, IdeaStatus.New, 7, "ada", 0, _clock.GetUtcNow(), null);

    [Fact]
    public async Task AnOldEntry_IsReloadedByOneRequest_WhileTheOthersGoOnWithIt()
    {
        var index = new TeamIdeaIndex(_clock);
        var loads = 0;
        await index.FindThenAddAsync(NewIdea(1, "timebox the reading list before lunch"), "ada",
            _ => { loads++; return Task.FromResult<IReadOnlyList<IdeaView>>([]); }, default);
        _clock.Advance(TeamIdeaIndex.Lifetime);

        // The first request after the lifetime reloads, and its read of the store is slow.
        var store = new TaskCompletionSource<IReadOnlyList<IdeaView>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloading = index.FindThenAddAsync(NewIdea(2, "draft the grant intro after standup"), "ada",
            _ => { loads++; return store.Task; }, default);

        // Meanwhile others are answered from the old entry, without reading the store themselves.
        var meanwhile = await index.FindThenAddAsync(NewIdea(3, "timebox the reading list before lunch!"), "ada",
            _ => { loads++; return Task.FromResult<IReadOnlyList<IdeaView>>([]); }, default).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1L, meanwhile?.Idea.Id); // the old entry still knows idea 1
        Assert.Equal(2, loads);
        Assert.False(reloading.IsCompleted);

        store.SetResult([Stored(1, "timebox the reading list before lunch"), Stored(4, "sketch the figure scripts on a whiteboard")]);
        await reloading.WaitAsync(TimeSpan.FromSeconds(10));

        // The reloaded entry holds what the store had, and is fresh: nobody reads the store again.
        var after = await index.FindThenAddAsync(NewIdea(5, "sketch the figure scripts on a whiteboard"), "ada",
            _ => { loads++; return Task.FromResult<IReadOnlyList<IdeaView>>([]); }, default);
        Assert.Equal(4L, after?.Idea.Id);
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task AReloadThatFails_LeavesTheNextRequestToTryAgain()
    {
        var index = new TeamIdeaIndex(_clock);
        await index.FindThenAddAsync(NewIdea(1, "timebox the reading list"), "ada", _ => Task.FromResult<IReadOnlyList<IdeaView>>([]), default);
        _clock.Advance(TeamIdeaIndex.Lifetime);

        await Assert.ThrowsAsync<TimeoutException>(() => index.FindThenAddAsync(NewIdea(2, "draft the intro"), "ada",
            _ => Task.FromException<IReadOnlyList<IdeaView>>(new TimeoutException()), default));

        var tried = false;
        await index.FindThenAddAsync(NewIdea(3, "outline the talk"), "ada",
            _ => { tried = true; return Task.FromResult<IReadOnlyList<IdeaView>>([]); }, default);
        Assert.True(tried);
    }
}
