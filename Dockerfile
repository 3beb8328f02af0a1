# LPG Trace production image. Not built on our development machines (they have no Docker);
# see README.md, "Docker".
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies, compile TypeScript to dist/ ---------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# swagger-ui-dist pulls in a telemetry postinstall; keep builds quiet and offline-friendly.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY seed ./seed
COPY web ./web
COPY mobile ./mobile
COPY scripts ./scripts
RUN npm run build && npm run build:web && npm run build:mobile

# --- prod-deps: production dependencies only ------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/mobile/dist ./mobile/dist
COPY package.json ./
COPY views ./views
COPY public ./public
# The only writable place: the embedded database (when no MONGODB_URI is given) lives here.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# node directly, not npm: npm would not forward SIGTERM reliably and would rebuild.
CMD ["node", "--max-semi-space-size=64", "dist/src/main.js"]
