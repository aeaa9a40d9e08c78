# One image for every cluster node (docker-compose.yml runs it as `model` and as `agents`).
# Build: the SDK restores TorchSharp and libtorch from NuGet and publishes the CLI (the GLIBCXX patch of
# build/TorchSharpGlibcxx.targets applies to the published copy). Runtime: the slim .NET runtime with the published
# folder, libtorch included; nothing is downloaded when a container starts.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/BigLearn.Cli -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY configs ./configs
COPY docker/node-entrypoint.sh /usr/local/bin/biglearn-node
RUN chmod +x /usr/local/bin/biglearn-node
# Run folders and checkpoints: a volume every node sees (docker-compose.yml mounts `runs` here).
VOLUME /app/runs
EXPOSE 4053
ENTRYPOINT ["biglearn-node"]
