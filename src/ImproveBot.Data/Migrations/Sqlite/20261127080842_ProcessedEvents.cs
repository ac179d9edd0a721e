using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImproveBot.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProcessedEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "processed_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DeliveryId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_processed_events_ReceivedAt",
                table: "processed_events",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_processed_events_Source_DeliveryId",
                table: "processed_events",
                columns: new[] { "Source", "DeliveryId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "processed_events");
        }
    }
}
