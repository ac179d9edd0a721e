using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Core.Messaging;
using ImproveBot.Discord.Rendering;
using static ImproveBot.Discord.Tests.Rendering.DiscordJson;

namespace ImproveBot.Discord.Tests.Rendering;

public sealed class ModalAndReplyTests
{
    private static ChatFormField Question(int i, string label) => new(PromptActions.AnswerField(i), label, true, false, 4000);

    private static readonly ChatFormField Ideas =
        new(PromptActions.IdeasField, "Ideas to try (one per line, #tags welcome)", true, false, 4000, "Read the abstract first #reading");

    [Fact]
    public void Modal_HasOneLabelledParagraphInputPerField_Exactly()
    {
        var form = new ChatForm("reflect:submit:9", "Weekly improvement reflection", [Question(0, "What slowed you down this week?"), Ideas]);

        var modal = DiscordReplies.Modal(form, null);

        Assert.Equal(
            """{"type":9,"data":{"custom_id":"reflect:submit:9","title":"Weekly improvement reflection","components":["""
            + """{"type":18,"label":"What slowed you down this week?","component":{"type":4,"custom_id":"q0","style":2,"max_length":4000,"required":false}},"""
            + """{"type":18,"label":"Ideas to try (one per line, #tags welcome)","component":{"type":4,"custom_id":"ideas","style":2,"max_length":4000,"required":false,"placeholder":"Read the abstract first #reading"}}]}}""",
            Json(modal));
    }

    [Fact]
    public void Modal_LongQuestion_IsShortenedInTheLabelAndContinuesInTheDescription()
    {
        var question = "What is one thing you could do to get better at your research?"; // 63 chars: longer than a label
        var modal = DiscordReplies.Modal(new ChatForm("reflect:submit:9", "T", [Question(0, question), Ideas]), null);

        var label = modal["data"]!["components"]![0]!;
        Assert.Equal("What is one thing you could do to get better…", label["label"]!.GetValue<string>());
        Assert.Equal(question, label["description"]!.GetValue<string>());
    }

    [Fact]
    public void Modal_WithFiveQuestions_SharesOneFieldForTheLastTwoAndKeepsIdeasLast()
    {
        var form = new ChatForm("reflect:submit:9", "Weekly improvement reflection",
            [.. Enumerable.Range(0, 5).Select(i => Question(i, $"Question number {i + 1}?")), Ideas]);

        var components = DiscordReplies.Modal(form, null)["data"]!["components"]!.AsArray();

        Assert.Equal(DiscordLimits.ModalComponents, components.Count);
        Assert.Equal(["q0", "q1", "q2", "q3", "ideas"], components.Select(c => c!["component"]!["custom_id"]!.GetValue<string>()));
        Assert.Equal("Questions 4 and 5", components[3]!["label"]!.GetValue<string>());
        Assert.Equal("4. Question number 4? 5. Question number 5?", components[3]!["description"]!.GetValue<string>());
    }

    [Fact]
    public void Modal_InADm_CarriesTheServerInItsCustomId_AndDraftsAreFilledIn()
    {
        var form = new ChatForm("reflect:submit:9", "T", [Question(0, "Q?"), Ideas]);

        var modal = DiscordReplies.Modal(form, "290926798626357999", new Dictionary<string, string> { ["q0"] = "what I wrote", ["ideas"] = "" });

        Assert.Equal("290926798626357999|reflect:submit:9", modal["data"]!["custom_id"]!.GetValue<string>());
        var inputs = modal["data"]!["components"]!.AsArray().Select(c => c!["component"]!).ToList();
        Assert.Equal("what I wrote", inputs[0]["value"]!.GetValue<string>());
        Assert.Null(inputs[1]["value"]);
    }

    [Fact]
    public void Modal_TitleIsCutTo45Characters()
    {
        var modal = DiscordReplies.Modal(new ChatForm("reflect:submit:9", new string('t', 60), [Ideas]), null);
        Assert.Equal(45, modal["data"]!["title"]!.GetValue<string>().Length);
    }

    [Fact]
    public void Ephemeral_IsAType4MessageWithFlag64AndItsButtons()
    {
        var reply = new Reply("Saved idea #5.", [new ChatAction("idea:merge:5:2", "+1 #2 instead", ChatActionStyle.Primary)]);

        var response = DiscordReplies.Ephemeral(reply, null);

        Assert.Equal(
            """{"type":4,"data":{"content":"Saved idea #5.","components":[{"type":1,"components":[{"type":2,"style":1,"label":"+1 #2 instead","custom_id":"idea:merge:5:2"}]}],"allowed_mentions":{"parse":[]},"flags":64}}""",
            Json(response));
    }

    [Fact]
    public void Deferred_IsType5Ephemeral()
    {
        Assert.Equal("""{"type":5,"data":{"flags":64}}""", Json(DiscordReplies.Deferred()));
    }

    [Fact]
    public void LongReply_ContinuesInEmbedsWithinTheLimits_AndLosesNoLineThatFits()
    {
        var lines = Enumerable.Range(1, 40).Select(i => $"• #{i} " + new string('x', 100)).ToList();
        var message = DiscordReplies.Message(new Reply(string.Join("\n", lines)), null);

        AssertWithinLimits(message);
        Assert.True(message.Content!.Length <= DiscordLimits.Content);
        var shown = Texts(message).SelectMany(t => t.Split('\n')).ToList();
        Assert.Equal(lines, shown);
    }

    [Fact]
    public void HugeReply_EndsWithAHintInsteadOfBreakingALimit()
    {
        var lines = Enumerable.Range(1, 200).Select(i => $"• #{i} " + new string('x', 100)).ToList();
        var message = DiscordReplies.Message(new Reply(string.Join("\n", lines)), null);

        AssertWithinLimits(message);
        Assert.Equal(DiscordReplies.MoreHint, message.Embeds[^1]["footer"]!["text"]!.GetValue<string>());
        Assert.StartsWith("• #1 ", message.Content);
    }

    [Fact]
    public void ModalSubmission_ReadsTheDocumentedLabelShape()
    {
        var data = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "interaction_modal_submit_data.json"))).RootElement;

        var (customId, values) = DiscordModalSubmission.ReadValues(data);

        Assert.Equal("game_feedback_modal", customId);
        Assert.Equal("The recent changes to acceleration feel much better, but shadows still need help", Assert.Single(values).Value);
        Assert.Equal("game_feedback", values.Single().Key);
    }

    [Fact]
    public void ModalSubmission_ReadsTheLegacyActionRowShapeToo_AndEmptyFieldsAsEmpty()
    {
        var data = JsonNode.Parse("""
            {"custom_id":"reflect:submit:3","components":[
              {"type":1,"components":[{"type":4,"custom_id":"q0","value":"answer"}]},
              {"type":1,"components":[{"type":4,"custom_id":"ideas"}]}]}
            """)!;

        var (customId, values) = DiscordModalSubmission.ReadValues(JsonDocument.Parse(data.ToJsonString()).RootElement);

        Assert.Equal("reflect:submit:3", customId);
        Assert.Equal(new Dictionary<string, string> { ["q0"] = "answer", ["ideas"] = "" }, values);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"components\":\"x\"}")]
    [InlineData("{\"custom_id\":5,\"components\":[1,{\"component\":7}]}")]
    public void ModalSubmission_OddShapes_FindLessButNeverThrow(string json)
    {
        var (_, values) = DiscordModalSubmission.ReadValues(JsonDocument.Parse(json).RootElement);
        Assert.Empty(values);
    }
}
