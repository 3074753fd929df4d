import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';

const log = logger('mnemo:review');

export interface ReviewCertificate {
  key: string;
  cert: string;
  /** SHA-256 of the DER certificate, colon-separated upper-case hex (as browsers show it). */
  fingerprint: string;
  keyFile: string;
  certFile: string;
}

/**
 * The review server's TLS identity. Generated once (the phone learns to trust this
 * one certificate, so it must not change on every start) and kept in `certDir`
 * with the key readable by the owner only.
 */
export async function ensureCertificate(certDir: string, hostnames: string[] = []): Promise<ReviewCertificate> {
  const keyFile = join(certDir, 'review-key.pem');
  const certFile = join(certDir, 'review-cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) {
    const key = readFileSync(keyFile, 'utf8');
    const cert = readFileSync(certFile, 'utf8');
    try {
      const x509 = new X509Certificate(cert);
      if (new Date(x509.validTo).getTime() > Date.now()) return { key, cert, fingerprint: x509.fingerprint256, keyFile, certFile };
      log.warn({ certFile }, 'review certificate expired; generating a new one (phones must re-trust it)');
    } catch (cause) {
      throw new MnemoError('invalid-argument', `${certFile} is not a readable certificate`, {
        cause,
        fix: `delete ${keyFile} and ${certFile}; a new certificate is generated on the next start`,
      });
    }
  }
  mkdirSync(certDir, { recursive: true, mode: 0o700 });
  const names = [...new Set(['localhost', ...hostnames.filter((h) => !/^[\d.:]+$/.test(h) && h !== '0.0.0.0')])];
  const ips = [...new Set(['127.0.0.1', '::1', ...hostnames.filter((h) => /^[\d.:]+$/.test(h) && h !== '0.0.0.0' && h !== '::')])];
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 5);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'mnemo review' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  const fingerprint = new X509Certificate(pems.cert).fingerprint256;
  log.info({ certFile, fingerprint }, 'generated the review certificate');
  return { key: pems.private, cert: pems.cert, fingerprint, keyFile, certFile };
}
