using ImproveBot.Core.Members;
using ImproveBot.Core.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImproveBot.Data.Configurations;

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("teams");
        b.HasKey(t => t.Id);
        b.Property(t => t.Platform).HasMaxLength(16).IsRequired();
        b.Property(t => t.TenantId).HasMaxLength(64).IsRequired();
        b.Property(t => t.Name).HasMaxLength(100).IsRequired();
        b.Property(t => t.DigestChannel).HasMaxLength(64);
        b.Property(t => t.TimeZone).HasMaxLength(64).IsRequired();
        b.Property(t => t.Questions).IsRequired();
        b.HasIndex(t => new { t.Platform, t.TenantId }).IsUnique();
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> b)
    {
        b.ToTable("members");
        b.HasKey(m => m.Id);
        b.Ignore(m => m.Ref);
        b.Property(m => m.Platform).HasMaxLength(16).IsRequired();
        b.Property(m => m.TenantId).HasMaxLength(64).IsRequired();
        b.Property(m => m.UserId).HasMaxLength(64).IsRequired();
        b.Property(m => m.DisplayName).HasMaxLength(80).IsRequired();
        b.Property(m => m.TimeZone).HasMaxLength(64).IsRequired();
        b.HasIndex(m => new { m.Platform, m.TenantId, m.UserId }).IsUnique();
        b.HasIndex(m => m.TeamId);
        b.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}
