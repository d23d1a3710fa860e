# The Vantage collector (and, once built, the dashboard it serves).
# Not run on the development machine (no Docker engine there); compose.yaml is checked by tests.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc turbo.json tsconfig.json tsconfig.base.json ./
COPY sdk-core/package.json sdk-core/
COPY connectors/three/package.json connectors/three/
COPY connectors/r3f/package.json connectors/r3f/
COPY fixtures/package.json fixtures/
COPY collector/package.json collector/
COPY dashboard/package.json dashboard/
COPY replay-viewer/package.json replay-viewer/
COPY demo/package.json demo/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx turbo run build --filter=@vantage/collector... --filter=@vantage/dashboard \
 && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=7315 VANTAGE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 7315
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--max-semi-space-size=64", "collector/dist/cli.js", "serve"]
