using ImproveBot.Core.Ideas;
using ImproveBot.Core.Members;
using ImproveBot.Core.Reflections;
using ImproveBot.Core.Teams;
using ImproveBot.Data.Conventions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImproveBot.Data.Configurations;

internal sealed class IdeaConfiguration : IEntityTypeConfiguration<Idea>
{
    public void Configure(EntityTypeBuilder<Idea> b)
    {
        b.ToTable("ideas");
        b.HasKey(i => i.Id);
        b.Ignore(i => i.IsVisibleToTeam);
        b.Ignore(i => i.IsOpen);
        b.Property(i => i.Text).HasMaxLength(Idea.MaxTextLength).IsRequired();
        b.Property(i => i.Tags).IsRequired();
        b.HasOne<Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.Cascade);
        // No index on AuthorId: each new idea would write a page of it at a random place (one per author), which was
        // the largest single cost of the idea writer (bench/WriterBench). Reads by author are within a team and
        // recent, served by (TeamId, CreatedAt); only erasing a member scans the table for their ideas.
        OptionalForeignKeyIndexConvention.WithoutIndex(b.Property(i => i.AuthorId));
        b.HasOne<Member>().WithMany().HasForeignKey(i => i.AuthorId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(i => i.Reflection).WithMany().HasForeignKey(i => i.ReflectionId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(i => i.Votes).WithOne().HasForeignKey(v => v.IdeaId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(i => new { i.TeamId, i.CreatedAt });
        // No index on (TeamId, StatusChangedAt): no query used it (the digest's OR over creation, status change, outcome
        // and open votes reads a team's ideas through (TeamId, CreatedAt) on SQLite, and cannot be a bitmap OR on
        // PostgreSQL), and a new /idea, with no status change yet, wrote one more page per commit at the head of its
        // team's range (bench/WriterBench).
        b.HasIndex(i => new { i.FollowUpDueAt, i.Status });
        // Ideas from a reflection only: a new /idea has none, so it adds no entry here.
        b.HasIndex(i => i.ReflectionId).HasFilter("\"ReflectionId\" IS NOT NULL");
    }
}

internal sealed class IdeaVoteConfiguration : IEntityTypeConfiguration<IdeaVote>
{
    public void Configure(EntityTypeBuilder<IdeaVote> b)
    {
        b.ToTable("idea_votes");
        // One vote per member per idea, enforced by the key itself.
        b.HasKey(v => new { v.IdeaId, v.MemberId });
        b.HasOne<Member>().WithMany().HasForeignKey(v => v.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoundConfiguration : IEntityTypeConfiguration<ReflectionRound>
{
    public void Configure(EntityTypeBuilder<ReflectionRound> b)
    {
        b.ToTable("rounds");
        b.HasKey(r => r.Id);
        b.HasIndex(r => new { r.TeamId, r.PromptDate }).IsUnique();
        b.HasIndex(r => new { r.DigestPostedAt, r.ClosesAt });
        b.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<PromptDelivery>
{
    public void Configure(EntityTypeBuilder<PromptDelivery> b)
    {
        b.ToTable("prompt_deliveries");
        b.HasKey(d => d.Id);
        b.Ignore(d => d.IsOpen);
        // The guarantee behind "never prompted twice in a round".
        b.HasIndex(d => new { d.RoundId, d.MemberId }).IsUnique();
        b.HasIndex(d => new { d.Status, d.SentAt });
        b.HasIndex(d => d.MemberId);
        b.HasOne<ReflectionRound>().WithMany().HasForeignKey(d => d.RoundId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Member>().WithMany().HasForeignKey(d => d.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReflectionConfiguration : IEntityTypeConfiguration<Reflection>
{
    public void Configure(EntityTypeBuilder<Reflection> b)
    {
        b.ToTable("reflections");
        b.HasKey(r => r.Id);
        b.Ignore(r => r.Duration);
        b.Property(r => r.Answers).IsRequired();
        b.HasIndex(r => new { r.RoundId, r.MemberId }).IsUnique();
        b.HasIndex(r => new { r.MemberId, r.SubmittedAt });
        b.HasOne<ReflectionRound>().WithMany().HasForeignKey(r => r.RoundId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Member>().WithMany().HasForeignKey(r => r.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
