# syntax=docker/dockerfile:1
# Multi-stage: build with the SDK, run on the ASP.NET runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ImproveBot.sln ./
COPY src/ src/
RUN dotnet publish src/ImproveBot.Host -c Release -r linux-x64 --self-contained false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY appsettings.json ./
# The SQLite database lives in /app/data; mount a volume there so it survives new images.
RUN mkdir -p /app/data && chown -R app:app /app/data
VOLUME ["/app/data"]
USER app
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 \
    DOTNET_NOLOGO=1
EXPOSE 5080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "ImproveBot.Host.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "ImproveBot.Host.dll"]
