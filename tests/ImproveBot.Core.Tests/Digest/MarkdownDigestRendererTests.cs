using System.Globalization;
using ImproveBot.Core.Digest;
using ImproveBot.Core.Ideas;
using static ImproveBot.Core.Tests.Digest.DigestFixtures;

namespace ImproveBot.Core.Tests.Digest;

public class MarkdownDigestRendererTests
{
    // Raw literals take the source file's line endings; the renderer always writes "\n".
    private static string Lines(string text) => text.ReplaceLineEndings("\n") + "\n";

    [Fact]
    public void Render_SeededWeek_ProducesExpectedMarkdown()
    {
        var markdown = MarkdownDigestRenderer.Render(DigestBuilder.Build(SeededWeek()));

        Assert.Equal(Lines("""
            # Improvement digest: Vision Lab · week of 2025-03-10

            7 of 9 reflected this week · 1 skipped · median 18 min (2 without a time)

            ## New ideas

            ### #reading

            - #1 Read one paper together each Friday — Ada (reflection, 3 votes)
            - #2 Share reading notes in the wiki — anonymous (in-flow, 1 vote)

            ### #tooling

            - #6 Automate the data backup — Eve (reflection)

            ### #other

            - #3 Fewer status meetings — Bob (in-flow, 2 votes)

            ## Most voted

            1. #5 Daily standup at 10 — Dan (4 votes)
            2. #1 Read one paper together each Friday — Ada (3 votes)
            3. #3 Fewer status meetings — Bob (2 votes, trying)
            4. #2 Share reading notes in the wiki — anonymous (1 vote)

            ## Status changes

            - **Adopted:** #4 Pair on code reviews — Cy
            - **Trying:** #3 Fewer status meetings — Bob
            - **Dropped:** #8 Drop the weekly newsletter — Bob

            ## In-flow vs reflection

            - In-flow: 2 ideas
            - Reflection: 2 ideas from 1.5 h of reflection (1.3 per hour)

            Back an idea you like with `/improve vote <id>`.
            """), markdown);
    }

    [Fact]
    public void Render_EmptyWeek_SaysSoKindlyWithoutZeros()
    {
        var markdown = MarkdownDigestRenderer.Render(DigestBuilder.Build(Input(prompted: 9, skipped: 2)));

        Assert.Equal(Lines("""
            # Improvement digest: Vision Lab · week of 2025-03-10

            A quiet week: no reflections or new ideas this time, and that is fine. Spotted something worth improving? Log it any time with `/idea`.
            """), markdown);
    }

    [Fact]
    public void Render_ReflectionsButNoIdeas_OmitsEmptySections()
    {
        var digest = DigestBuilder.Build(Input(prompted: 4, reflected: 3, durations: [null, null, null]));

        var markdown = MarkdownDigestRenderer.Render(digest);

        // No duration known: no median; no ideas: no idea sections and no voting hint.
        Assert.Equal(Lines("""
            # Improvement digest: Vision Lab · week of 2025-03-10

            3 of 4 reflected this week
            """), markdown);
    }

    [Fact]
    public void Render_ReflectionIdeasWithoutKnownTime_OmitsRate()
    {
        var digest = DigestBuilder.Build(Input(reflected: 1, durations: [null],
            ideas: [Row(1, "Idea", source: IdeaSource.Reflection)]));

        var markdown = MarkdownDigestRenderer.Render(digest);

        Assert.Contains("\n- In-flow: 0 ideas\n- Reflection: 1 idea\n", markdown);
        Assert.DoesNotContain("per hour", markdown);
    }

    [Fact]
    public void Render_HostileUserText_IsEscapedEverywhere()
    {
        var digest = DigestBuilder.Build(Input(
            teamName: "<!channel>",
            ideas:
            [
                Row(42, "[click](https://evil.example) **bold** `code`\n# not a heading", ["<@U123>"],
                    author: "@everyone", votes: 1),
            ]));

        var markdown = MarkdownDigestRenderer.Render(digest);

        Assert.StartsWith("# Improvement digest: \\<\\!channel\\> · week of 2025-03-10\n", markdown);
        Assert.Contains("\n### #\\<@u123\\>\n", markdown); // group tags are normalised to lower case
        Assert.Contains(
            "\n- #42 \\[click\\]\\(https://evil\\.example\\) \\*\\*bold\\*\\* \\`code\\` \\# not a heading — @\u200Beveryone (in-flow, 1 vote)\n",
            markdown);
        // Ordinal: a culture-aware comparison ignores the zero-width space and would "find" the defused mention.
        Assert.DoesNotContain("<!channel>", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<@U123>", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@everyone", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("](", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AnyCurrentCulture_UsesInvariantNumbers()
    {
        var digest = DigestBuilder.Build(Input(prompted: 2, reflected: 2, durations: [Minutes(15), Minutes(20)],
            ideas: [Row(1, source: IdeaSource.Reflection)]));
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");

            var markdown = MarkdownDigestRenderer.Render(digest);

            Assert.Contains("median 17.5 min", markdown);
            Assert.Contains("1 idea from 0.6 h of reflection (1.7 per hour)", markdown);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
