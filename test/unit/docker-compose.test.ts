import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envKeys, loadConfig } from '../../config/index.js';
import { searchAttributeCliSpecs } from '../../workflows/search-attributes.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;

describe('docker-compose.yml stays consistent with the code', () => {
  it('has the stack services: database, Temporal, SMTP catcher, emulator, worker, api', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'emulator', 'maildev', 'mongo', 'temporal', 'worker']);
    expect(services['mongo']?.image).toMatch(/^mongo:/);
    expect(services['mongo']?.command).toContain('--replSet');
    expect(services['temporal']?.image).toMatch(/^temporalio\/temporal:/);
  });

  it('the mail catcher is the maildev `npm start` runs, pinned to its npm version, and the app sends to it', () => {
    const { version } = JSON.parse(readFileSync('node_modules/maildev/package.json', 'utf8')) as { version: string };
    expect(services['maildev']?.image).toBe(`maildev/maildev:${version}`);
    for (const name of ['worker', 'api']) {
      const smtp = new URL(services[name]?.environment?.['SMTP_URL'] ?? '');
      expect(smtp.hostname, name).toBe('maildev');
      expect(services['maildev']?.ports, name).toContain(`${smtp.port}:${smtp.port}`);
      expect(loadConfig(services[name]?.environment ?? {}).mail.smtpUrl, name).toBe(smtp.href.replace(/\/$/, ''));
    }
  });

  it('publishes the documented ports', () => {
    const published = Object.values(services).flatMap((service) => service.ports ?? []);
    const defaults = loadConfig({});
    for (const port of [
      defaults.mongo.port,
      defaults.temporal.port,
      defaults.temporal.uiPort,
      defaults.api.port,
      defaults.emulator.port,
      defaults.mail.catcher.smtpPort,
      defaults.mail.catcher.uiPort,
    ]) {
      expect(published).toContain(`${port}:${port}`);
    }
  });

  it('sets only environment keys the config module reads, and values it accepts', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build === undefined) continue;
      const environment = service.environment ?? {};
      for (const key of Object.keys(environment)) expect(envKeys, `${name}: ${key}`).toContain(key);
      expect(() => loadConfig(environment), name).not.toThrow();
    }
    expect(services['worker']?.environment?.['TEMPORAL_ADDRESS']).toBe('temporal:7233');
    expect(services['api']?.environment?.['MONGODB_URI']).toMatch(/^mongodb:\/\/mongo:27017\//);
  });

  it('registers exactly the order search attributes', () => {
    const specs = (services['temporal']?.command ?? [])
      .filter((arg) => arg.startsWith('--search-attribute='))
      .map((arg) => arg.split('=').slice(1).join('='));
    expect(specs).toEqual(searchAttributeCliSpecs());
  });

  it('runs each app service from the production build of sources that exist', () => {
    const build = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] };
    for (const name of ['worker', 'api', 'emulator']) {
      const entry = services[name]?.command?.at(-1) ?? '';
      const source = /^dist\/(.+)\.js$/.exec(entry)?.[1];
      expect(source, `${name}: ${entry} is not a dist/ entry`).toBeDefined();
      expect(() => readFileSync(`${source}.ts`), `${name}: ${source}.ts`).not.toThrow();
      expect(build.include, name).toContain(source!.split('/')[0]);
    }
  });
});
