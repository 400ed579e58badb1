# One image for the worker, the API and the emulator (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# The postinstall step applies patches/ (a MongoDB driver fix, see the README).
COPY patches ./patches
# tsx (a dev dependency) runs the TypeScript sources directly.
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
USER node
CMD ["node", "--import", "tsx", "api/main.ts"]
