using ImproveBot.Data.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImproveBot.Data.Configurations;

internal sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxRow>
{
    public void Configure(EntityTypeBuilder<OutboxRow> b)
    {
        b.ToTable("outbox");
        b.HasKey(o => o.Id);
        b.Property(o => o.Key).HasMaxLength(200).IsRequired();
        b.HasIndex(o => o.Key).IsUnique();
        b.Property(o => o.Platform).HasMaxLength(16).IsRequired();
        b.Property(o => o.TenantId).HasMaxLength(64).IsRequired();
        b.Property(o => o.Address).HasMaxLength(64).IsRequired();
        b.Property(o => o.ContentJson).IsRequired();
        b.Property(o => o.LastError).HasMaxLength(500);
        b.HasIndex(o => new { o.State, o.NextAttemptAt });
        b.HasIndex(o => o.ClaimToken);
        b.Property(o => o.ClaimedBy).HasMaxLength(100);
    }
}

internal sealed class SingletonLeaseConfiguration : IEntityTypeConfiguration<Cluster.SingletonLeaseRow>
{
    public void Configure(EntityTypeBuilder<Cluster.SingletonLeaseRow> b)
    {
        b.ToTable("singleton_leases");
        b.HasKey(l => l.Name);
        b.Property(l => l.Name).HasMaxLength(100);
        b.Property(l => l.Holder).HasMaxLength(100).IsRequired();
    }
}

internal sealed class ProcessedEventConfiguration : IEntityTypeConfiguration<Stores.ProcessedEvent>
{
    public void Configure(EntityTypeBuilder<Stores.ProcessedEvent> b)
    {
        b.ToTable("processed_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Source).HasMaxLength(32).IsRequired();
        b.Property(e => e.DeliveryId).HasMaxLength(200).IsRequired();
        b.HasIndex(e => new { e.Source, e.DeliveryId }).IsUnique();
        b.HasIndex(e => e.ReceivedAt);
    }
}
