using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImproveBot.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeliveryNudge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NudgedAt",
                table: "prompt_deliveries",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "NudgedAt",
                table: "prompt_deliveries");
        }
    }
}
