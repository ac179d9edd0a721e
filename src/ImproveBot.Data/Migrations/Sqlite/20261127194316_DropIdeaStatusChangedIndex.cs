using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImproveBot.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DropIdeaStatusChangedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ideas_TeamId_StatusChangedAt",
                table: "ideas");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ideas_TeamId_StatusChangedAt",
                table: "ideas",
                columns: new[] { "TeamId", "StatusChangedAt" });
        }
    }
}
