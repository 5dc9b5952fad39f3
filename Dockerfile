# OnRecord API. Build: docker build -t onrecord .
# One container on the embedded store:
#   docker run -p 3000:3000 -v onrecord-data:/data onrecord
# On EventStoreDB (docker-compose.yml runs a 3-node cluster and two replicas):
#   docker run -e ONRECORD_STORE='esdb://node1:2113,node2:2113,node3:2113?tls=false' … onrecord
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 ONRECORD_DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/scripts/seed-demo.mjs ./scripts/seed-demo.mjs
COPY package.json ./
# /data: the embedded store, or on EventStoreDB this replica's own files (ledger, webhooks).
# /vault: where replicas on one host share the contact-key file (docker-compose.yml mounts one volume there).
RUN mkdir -p /data /vault && chown node:node /data /vault
VOLUME /data
EXPOSE 3000
USER node
# Ready means the store answers too (/health reports store.ready).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>r.json()).then(b=>process.exit(b.store&&b.store.ready?0:1),()=>process.exit(1))"]
# SIGTERM drains in-flight requests, stops background work and releases its lease.
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/api/src/main.js"]
