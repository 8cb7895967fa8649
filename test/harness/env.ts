/**
 * Process environment for n8n-core, set before any n8n service is constructed.
 *
 * n8n-core builds its services lazily through `@n8n/di`; the config classes they read
 * (`@n8n/config`) take their values from `process.env` when they are constructed. This
 * module is imported first by the harness, so the values below are in place before the first
 * `Container.get(...)`. Each is only set when the caller has not set it.
 *
 * - `N8N_USER_FOLDER`: `InstanceSettings` (constructed by every node execution context)
 *   reads, or creates, `<folder>/.n8n/config` holding the instance's encryption key. The
 *   harness points it at a fixed folder under the OS temp dir, never the real home folder,
 *   and writes that file itself (atomically, so parallel jest workers never read a half-written
 *   one).
 * - `N8N_ENCRYPTION_KEY`: a fixed, public key, written into that config file. The harness
 *   keeps credentials in memory and never encrypts anything with it.
 * - `N8N_LOG_LEVEL`: n8n's `ErrorReporter` logs every failed node run, stack included,
 *   through the winston logger. Silent by default, so test output stays clean and no request
 *   details end up on the console; `N8N_LOG_LEVEL=debug` shows n8n's own logs.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';

if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_ENCRYPTION_KEY ??= 'n8n-jest-harness-public-key';
	const folder = path.join(tmpdir(), `n8n-jest-harness-${userInfo().uid}`);
	const n8nFolder = path.join(folder, '.n8n');
	mkdirSync(n8nFolder, { recursive: true });
	const configFile = path.join(n8nFolder, 'config');
	const partial = `${configFile}.${process.pid}.tmp`;
	writeFileSync(partial, JSON.stringify({ encryptionKey: process.env.N8N_ENCRYPTION_KEY }), { mode: 0o600 });
	renameSync(partial, configFile);
	process.env.N8N_USER_FOLDER = folder;
}

export {};
