using ImproveBot.Core.Ideas.Similarity;

namespace ImproveBot.Core.Tests.Ideas.Similarity;

/// <summary>Tests for <see cref="IdeaTextNormalizer"/>.</summary>
public sealed class IdeaTextNormalizerTests
{
    [Theory]
    [InlineData("Read papers with a question first #reading", "read papers question first reading")]
    [InlineData("  Block   the MORNINGS\tfor #writing!!  ", "block mornings writing")]
    [InlineData("Ask my advisor's feedback, then revise.", "ask advisors feedback revise")]
    [InlineData("Work in 50-minute focus blocks", "work 50 minute focus blocks")]
    [InlineData("Summarise it in three sentences", "summarise 3 sentences")]
    [InlineData("ﬁle the notes", "file notes")] // the "ﬁ" ligature, folded by FormKC
    [InlineData("Ｒｅａｄ MORE", "read")]         // full-width letters
    [InlineData("Café notes", "café notes")]     // letters outside ASCII are kept
    public void Normalize_LowersCaseStripsTagsPunctuationAndStopWords(string text, string expected)
    {
        Assert.Equal(expected, IdeaTextNormalizer.Normalize(text));
    }

    [Theory]
    [InlineData("Don't check email before noon", "not check email before noon")]
    [InlineData("We won't skip the review", "not skip review")]
    [InlineData("I can’t focus after lunch", "not focus after lunch")] // typographic apostrophe
    [InlineData("dont check email before noon", "not check email before noon")]
    [InlineData("do not check email before noon", "not check email before noon")]
    public void Normalize_KeepsNegationFromContractions(string text, string expected)
    {
        Assert.Equal(expected, IdeaTextNormalizer.Normalize(text));
    }

    [Theory]
    [InlineData("read more", "read")]
    [InlineData("do more", "do more")]       // every word is a stop word: keep them rather than return nothing
    [InlineData("#be", "be")]
    public void Normalize_NeverReducesAWordedTextToNothing(string text, string expected)
    {
        Assert.Equal(expected, IdeaTextNormalizer.Normalize(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \t\n")]
    [InlineData("?! ## ...")]
    public void Words_IsEmpty_ForTextWithoutWords(string? text)
    {
        Assert.Empty(IdeaTextNormalizer.Words(text));
    }

    [Fact]
    public void Words_HandlesTextsLongerThanTheStackBuffer()
    {
        var text = string.Concat(Enumerable.Repeat("Read papers, ", 200)); // 2,600 characters
        var words = IdeaTextNormalizer.Words(text);
        Assert.Equal(400, words.Length);
        Assert.All(words, w => Assert.True(w is "read" or "papers"));
    }
}
