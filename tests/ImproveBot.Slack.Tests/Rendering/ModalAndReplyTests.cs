using System.Text.Json;
using System.Text.Json.Nodes;
using ImproveBot.Core.Messaging;
using ImproveBot.Slack.Rendering;
using static ImproveBot.Slack.Tests.Rendering.SlackJson;

namespace ImproveBot.Slack.Tests.Rendering;

public class ModalAndReplyTests
{
    /// <summary>The reflection form as the core builds it (ReflectionService.BuildForm): 4,000-char fields, optional.</summary>
    private static ChatForm ReflectionForm(long round = 12) => new(
        PromptActions.Submit(round),
        "Weekly improvement reflection",
        [
            new ChatFormField("q0", "What is one thing you could do to get better at your research?", true, false, 4000),
            new ChatFormField("q1", "What slowed you down this week?", true, false, 4000),
            new ChatFormField(PromptActions.IdeasField, "Ideas to try (one per line, #tags welcome)", true, false, 4000,
                "Read the abstract and conclusion before deciding to read a paper #reading"),
        ]);

    [Fact]
    public void Modal_HasOneInputPerFieldWithTheFieldIdAsBlockAndActionId()
    {
        var view = SlackReplies.Modal(ReflectionForm());

        Assert.Equal("modal", (string)view["type"]!);
        Assert.Equal("reflect:submit:12", (string)view["callback_id"]!);
        Assert.Equal("Submit", Text(view["submit"]));
        Assert.Equal("Cancel", Text(view["close"]));
        var inputs = view["blocks"]!.AsArray().Select(b => b!.AsObject()).ToList();
        Assert.Equal(["q0", "q1", "ideas"], inputs.Select(b => (string)b["block_id"]!));
        Assert.All(inputs, b =>
        {
            Assert.Equal("input", Type(b));
            Assert.Equal((string)b["block_id"]!, (string)b["element"]!["action_id"]!);
            Assert.Equal("plain_text_input", (string)b["element"]!["type"]!);
            Assert.True((bool)b["element"]!["multiline"]!);
            Assert.True((bool)b["optional"]!);
            Assert.Equal(BlockKitLimits.InputMaxLength, (int)b["element"]!["max_length"]!); // 4,000 in the core, 3,000 is Slack's cap
        });
        Assert.Equal("What slowed you down this week?", Text(inputs[1]["label"]));
        Assert.Equal("Read the abstract and conclusion before deciding to read a paper #reading", Text(inputs[2]["element"]!["placeholder"]));
        Assert.Null(inputs[0]["element"]!["placeholder"]);
    }

    [Fact]
    public void Modal_TitleIsCutTo24CharsWithAnEllipsis()
    {
        var title = Text(SlackReplies.Modal(ReflectionForm())["title"]);

        Assert.Equal("Weekly improvement refl…", title);
        Assert.Equal(BlockKitLimits.ViewTitle, title.Length);
        Assert.Equal("Short", Text(SlackReplies.Modal(ReflectionForm() with { Title = "Short" })["title"]));
    }

    [Fact]
    public void Modal_FieldLimits_RequiredSmallMaxLongLabelLongPlaceholder()
    {
        var form = new ChatForm("reflect:submit:1", "T",
        [
            new ChatFormField("a", new string('L', 2500), false, true, 500, new string('p', 400)),
            new ChatFormField("b", "B", false, false, 0),
        ]);

        var blocks = SlackReplies.Modal(form)["blocks"]!.AsArray();

        Assert.False((bool)blocks[0]!["optional"]!);
        Assert.False((bool)blocks[0]!["element"]!["multiline"]!);
        Assert.Equal(500, (int)blocks[0]!["element"]!["max_length"]!);
        Assert.Equal(BlockKitLimits.InputLabel, Text(blocks[0]!["label"]).Length);
        Assert.Equal(BlockKitLimits.Placeholder, Text(blocks[0]!["element"]!["placeholder"]).Length);
        Assert.Equal(1, (int)blocks[1]!["element"]!["max_length"]!); // Slack's minimum; the core never asks for 0
    }

    [Fact]
    public void Modal_OverlongCallbackIdIsRefusedRatherThanCutIntoAnIdThatRoutesNowhere()
    {
        Assert.Throws<ArgumentException>(() => SlackReplies.Modal(ReflectionForm() with { SubmitActionId = new string('x', 256) }));
    }

    [Fact]
    public void Modal_PrivateMetadataCarriesTheActionAndChannel_AndReadsBack()
    {
        var view = SlackReplies.Modal(ReflectionForm(), channelId: "D024BE91L");

        var metadata = (string)view["private_metadata"]!;
        Assert.InRange(metadata.Length, 1, BlockKitLimits.PrivateMetadata);
        using var document = JsonDocument.Parse(view.ToJsonString());
        Assert.Equal(new SlackModalMetadata("reflect:submit:12", "D024BE91L"), SlackViewSubmission.ReadMetadata(document.RootElement));
    }

    [Fact]
    public void ReadValues_Fixture_GivesCallbackIdAndValueByBlockId()
    {
        using var payload = JsonDocument.Parse(Fixture("view_submission_payload.json"));

        var (callbackId, values) = SlackViewSubmission.ReadValues(payload.RootElement.GetProperty("view"));

        Assert.Equal("view-id", callbackId);
        Assert.Equal(new Dictionary<string, string> { ["hspI"] = "test" }, values);
        // The whole payload works too.
        Assert.Equal(values, SlackViewSubmission.ReadValues(payload.RootElement).Values);
        Assert.Null(SlackViewSubmission.ReadMetadata(payload.RootElement)); // "This is for you!" is not ours
    }

    [Fact]
    public void ReadValues_OurOwnModal_RoundTripsTheCoresFieldIds_EmptyFieldsReadAsEmpty()
    {
        var view = SlackReplies.Modal(ReflectionForm());
        // What Slack sends back for it: state.values[block_id][action_id]; an untouched field has value null.
        view["state"] = new JsonObject
        {
            ["values"] = new JsonObject
            {
                ["q0"] = new JsonObject { ["q0"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "write earlier" } },
                ["q1"] = new JsonObject { ["q1"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = null } },
                ["ideas"] = new JsonObject { ["ideas"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "draft first #writing" } },
            },
        };
        using var document = JsonDocument.Parse(view.ToJsonString());

        var (callbackId, values) = SlackViewSubmission.ReadValues(document.RootElement);

        Assert.Equal(PromptActions.Submit(12), callbackId);
        Assert.Equal(new Dictionary<string, string> { ["q0"] = "write earlier", ["q1"] = "", ["ideas"] = "draft first #writing" }, values);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"view\"")]
    [InlineData("42")]
    [InlineData("{}")]
    [InlineData("""{"callback_id":7,"state":null}""")]
    [InlineData("""{"state":{"values":[]}}""")]
    [InlineData("""{"state":{"values":{"b":"x","c":null,"d":[],"":{"a":{"value":"x"}}}}}""")]
    [InlineData("""{"view":{"view":{"state":{"values":{"b":{"a":{"value":"deep"}}}}}}}""")]
    public void ReadValues_HostileShapes_ReturnNoValuesAndNeverThrow(string json)
    {
        using var document = JsonDocument.Parse(json);

        var (callbackId, values) = SlackViewSubmission.ReadValues(document.RootElement);

        Assert.Equal("", callbackId);
        Assert.Empty(values);
    }

    [Fact]
    public void ReadValues_OddValues_ReadAsEmptyAndFirstDuplicateWins()
    {
        const string json = """
            {"callback_id":"reflect:submit:1","state":{"values":{
              "num":{"a":{"value":7}},
              "obj":{"a":{"value":{"x":1}}},
              "missing":{"a":{"type":"static_select"}},
              "notobject":{"a":"text","b":{"value":"second"}},
              "dup":{"a":{"value":"first"}},
              "dup":{"a":{"value":"second"}},
              "pref":{"other":{"value":"no"},"pref":{"value":"yes"}}
            }}}
            """;
        using var document = JsonDocument.Parse(json);

        var (callbackId, values) = SlackViewSubmission.ReadValues(document.RootElement);

        Assert.Equal("reflect:submit:1", callbackId);
        Assert.Equal(new Dictionary<string, string>
        {
            ["num"] = "", ["obj"] = "", ["missing"] = "", ["notobject"] = "second", ["dup"] = "first", ["pref"] = "yes",
        }, values);
    }

    [Fact]
    public void ReadValues_DefaultElementAndHugeViews_DoNotThrow()
    {
        Assert.Empty(SlackViewSubmission.ReadValues(default).Values);
        Assert.Null(SlackViewSubmission.ReadMetadata(default));

        var many = new JsonObject();
        for (var i = 0; i < 1000; i++) many[$"b{i}"] = new JsonObject { ["a"] = new JsonObject { ["value"] = "v" } };
        using var document = JsonDocument.Parse(new JsonObject { ["state"] = new JsonObject { ["values"] = many } }.ToJsonString());
        Assert.Equal(BlockKitLimits.BlocksPerView, SlackViewSubmission.ReadValues(document.RootElement).Values.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"action":5}""")]
    [InlineData("[1,2]")]
    public void ReadMetadata_ForeignMetadata_IsNull(string metadata)
    {
        using var document = JsonDocument.Parse(new JsonObject { ["private_metadata"] = metadata }.ToJsonString());

        Assert.Null(SlackViewSubmission.ReadMetadata(document.RootElement));
    }

    [Fact]
    public void Errors_MatchesSlacksAckShape()
    {
        var fixture = JsonNode.Parse(Fixture("view_submission_ack_errors.json"));

        var ack = SlackReplies.Errors(new Dictionary<string, string> { ["email_address"] = "Sorry, this isn’t a valid email" }, ["email_address"]);

        Assert.True(JsonNode.DeepEquals(fixture, ack), ack.ToJsonString());
    }

    [Fact]
    public void Errors_FieldErrorsStayOnTheirField_GeneralOnesGoToTheIdeasField()
    {
        var ack = SlackReplies.Errors(new Dictionary<string, string>
        {
            ["answers"] = "The reflection is empty: answer at least one question or write one idea.",
            ["q1"] = "Answer 2 is 4001 characters; the limit is 4000.",
            ["ideas"] = "Please keep it to 20 ideas per reflection (you wrote 25).",
        });

        Assert.Equal(
            """{"response_action":"errors","errors":{"q1":"Answer 2 is 4001 characters; the limit is 4000.","""
            + "\"ideas\":\"Please keep it to 20 ideas per reflection (you wrote 25). The reflection is empty: answer at least one question or write one idea.\"}}",
            Json(ack));
    }

    [Fact]
    public void Errors_UnknownKey_GoesToTheFirstBlockWhenTheViewHasNoIdeasField()
    {
        var ack = SlackReplies.Errors(new Dictionary<string, string> { ["action"] = "That round is already over." }, ["name", "email"]);

        Assert.Equal("""{"response_action":"errors","errors":{"name":"That round is already over."}}""", Json(ack));
    }

    [Fact]
    public void Ephemeral_HasResponseTypeTextBlocksAndButtons()
    {
        var reply = new Reply("Team ideas:\n#7 Read first — Ada", [new ChatAction(FollowUpActions.Vote(7), "+1 #7")]);

        var json = SlackReplies.Ephemeral(reply);

        Assert.Equal(
            """{"response_type":"ephemeral","text":"Team ideas:\n#7 Read first — Ada","blocks":["""
            + """{"type":"section","text":{"type":"mrkdwn","text":"Team ideas:\n#7 Read first — Ada","verbatim":true}},"""
            + """{"type":"actions","elements":[{"type":"button","action_id":"idea:vote:7","text":{"type":"plain_text","text":"+1 #7","emoji":true}}]}]}""",
            Json(json));
    }

    [Fact]
    public void Ephemeral_CoreHintsWithAngleBrackets_AreEscapedNotReadAsLinks()
    {
        var json = SlackReplies.Ephemeral(Reply.Of("Try `/improve vote <id>` & see."));

        Assert.Equal("Try `/improve vote &lt;id&gt;` &amp; see.", (string)json["text"]!);
    }

    [Fact]
    public void Ephemeral_LongReply_IsSplitWithinTheLimits()
    {
        var text = string.Join("\n", Enumerable.Range(1, 2000).Select(i => $"#{i} " + new string('y', 200)));

        var json = SlackReplies.Ephemeral(new Reply(text, [new ChatAction("idea:vote:1", "+1 #1")]));

        var blocks = json["blocks"]!.AsArray();
        Assert.InRange(blocks.Count, 2, BlockKitLimits.BlocksPerMessage);
        Assert.All(TextObjects(blocks), t => Assert.InRange(Text(t).Length, 1, BlockKitLimits.Text));
        Assert.InRange(((string)json["text"]!).Length, 1, BlockKitLimits.Text);
        Assert.Equal("actions", Type(blocks[^1]!.AsObject()));
    }
}
