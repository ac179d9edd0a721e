using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImproveBot.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IdeaFollowUps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "FollowUpDelay",
                table: "teams",
                type: "bigint",
                nullable: false,
                // Teams that existed before follow-ups get the product default, two weeks (in seconds).
                defaultValue: 1209600L);

            migrationBuilder.AddColumn<int>(
                name: "FollowUpCount",
                table: "ideas",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FollowUpDueAt",
                table: "ideas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Outcome",
                table: "ideas",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OutcomeAt",
                table: "ideas",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Value",
                table: "ideas",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ideas_FollowUpDueAt_Status",
                table: "ideas",
                columns: new[] { "FollowUpDueAt", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ideas_FollowUpDueAt_Status",
                table: "ideas");

            migrationBuilder.DropColumn(
                name: "FollowUpDelay",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "FollowUpCount",
                table: "ideas");

            migrationBuilder.DropColumn(
                name: "FollowUpDueAt",
                table: "ideas");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "ideas");

            migrationBuilder.DropColumn(
                name: "OutcomeAt",
                table: "ideas");

            migrationBuilder.DropColumn(
                name: "Value",
                table: "ideas");
        }
    }
}
