# One image for the worker, the API and the emulator (docker-compose.yml picks the command):
# the production build (JavaScript, `npm run build`) with production dependencies only, run as `node`.

# Build: every dependency (TypeScript), the compiled services in dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The postinstall step applies patches/ (a MongoDB driver fix, see the README).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
  # Dev dependencies out; the patched driver files stay as patched.
  && npm prune --omit=dev --no-audit --no-fund

# Run: no compiler, no TypeScript loader, no dev dependency; not root.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "dist/api/main.js"]
