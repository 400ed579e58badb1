/**
 * A throwaway certificate authority for TLS tests, made with the `openssl` command: a server
 * certificate for the Temporal frontend, a client certificate for workers and APIs (mTLS), and a
 * client certificate from another CA that the server must refuse.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ClusterCertificates } from '../../scripts/temporal-cluster.js';

const execFile = promisify(execFileCallback);

export interface TestCertificates extends ClusterCertificates {
  /** Signed by a CA the server does not trust. */
  rogueClientCert: string;
  rogueClientKey: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function authority(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}-key.pem`);
  await execFile('openssl', [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

async function issue(
  dir: string,
  ca: { cert: string; key: string },
  name: string,
  extensions: string,
): Promise<{ cert: string; key: string }> {
  const key = path.join(dir, `${name}-key.pem`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`);
  const ext = path.join(dir, `${name}.ext`);
  await writeFile(ext, `basicConstraints=CA:FALSE\n${extensions}\n`);
  await execFile('openssl', ['req', ...EC_KEY, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  await execFile('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    cert,
    '-extfile',
    ext,
  ]);
  return { cert, key };
}

export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const serverName = 'temporal.shop.test';
  const ca = await authority(dir, 'shop-test-ca');
  const server = await issue(
    dir,
    ca,
    serverName,
    `subjectAltName=DNS:${serverName},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth`,
  );
  const client = await issue(dir, ca, 'shop-worker', 'extendedKeyUsage=clientAuth');
  const rogueCa = await authority(dir, 'rogue-ca');
  const rogue = await issue(dir, rogueCa, 'rogue-client', 'extendedKeyUsage=clientAuth');
  return {
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    serverName,
    rogueClientCert: rogue.cert,
    rogueClientKey: rogue.key,
  };
}
