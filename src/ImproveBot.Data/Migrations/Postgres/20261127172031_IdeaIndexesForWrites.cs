using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImproveBot.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IdeaIndexesForWrites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ideas_AuthorId",
                table: "ideas");

            migrationBuilder.DropIndex(
                name: "IX_ideas_ReflectionId",
                table: "ideas");

            migrationBuilder.CreateIndex(
                name: "IX_ideas_ReflectionId",
                table: "ideas",
                column: "ReflectionId",
                filter: "\"ReflectionId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ideas_ReflectionId",
                table: "ideas");

            migrationBuilder.CreateIndex(
                name: "IX_ideas_AuthorId",
                table: "ideas",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_ideas_ReflectionId",
                table: "ideas",
                column: "ReflectionId");
        }
    }
}
