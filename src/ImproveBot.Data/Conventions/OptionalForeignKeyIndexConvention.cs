using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace ImproveBot.Data.Conventions;

/// <summary>
/// EF's convention of an index on every foreign key, except on a property marked with <see cref="WithoutIndex"/>:
/// removing such an index in the model alone does not last, since the convention puts it back.
/// </summary>
internal sealed class OptionalForeignKeyIndexConvention(ProviderConventionSetBuilderDependencies dependencies)
    : ForeignKeyIndexConvention(dependencies)
{
    private const string NoIndexAnnotation = "ImproveBot:NoForeignKeyIndex";

    /// <summary>Marks a foreign key property that should get no index of its own.</summary>
    public static void WithoutIndex(PropertyBuilder property) => property.HasAnnotation(NoIndexAnnotation, true);

    protected override IConventionIndex? CreateIndex(IReadOnlyList<IConventionProperty> properties, bool unique, IConventionEntityTypeBuilder entityTypeBuilder) =>
        properties is [var only] && only.FindAnnotation(NoIndexAnnotation) is not null
            ? null
            : base.CreateIndex(properties, unique, entityTypeBuilder);
}
