# One image for the team deployment's web server and its run workers (docker-compose.yml starts both).
FROM node:20-bookworm-slim
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g pnpm@10
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY web/package.json web/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build
ENV TRELLIS_HOST=0.0.0.0 \
    TRELLIS_DATA_DIR=/data
EXPOSE 4317
CMD ["pnpm", "--filter", "@trellis/server", "start"]
