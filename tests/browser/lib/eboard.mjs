// Copyright 2026 The eboard authors
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// A real eboardd for the browser tests: started on 127.0.0.1 port 0 with a
// configuration file, driven through its HTTP API with the bootstrap admin
// token, stopped with SIGTERM.

import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class AssertionError extends Error {}

export function check(condition, message) {
  if (!condition) {
    throw new AssertionError(message);
  }
}

// Probes @probe until @accept takes its value (at most @timeoutMs); the
// error names @what and the last value seen.
export async function waitFor(what, probe, accept = Boolean, timeoutMs = 20000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;

  for (;;) {
    try {
      last = await probe();
      if (accept(last)) {
        return last;
      }
    } catch (error) {
      last = `error: ${error.message}`;
    }
    if (Date.now() > deadline) {
      throw new AssertionError(
        `${what}: not within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`
      );
    }
    await sleep(intervalMs);
  }
}

export class Daemon {
  constructor(eboardd, workDir) {
    this.eboardd = eboardd;
    this.workDir = workDir;
    this.dataDir = path.join(workDir, 'data');
    this.configPath = path.join(workDir, 'eboard.conf');
    this.stderrPath = path.join(workDir, 'eboardd.stderr');
    this.url = null;
    this.admin = null;
    this.process = null;
    this.exit = null;
  }

  // Starts eboardd with @config (GKeyFile text) and waits for its
  // "listening on" line (at most 30 s).
  async start(config) {
    fs.writeFileSync(this.configPath, config);
    const stderr = fs.openSync(this.stderrPath, 'w');

    this.process = spawn(
      this.eboardd,
      [
        '--config',
        this.configPath,
        '--data-dir',
        this.dataDir,
        '--address',
        '127.0.0.1',
        '--port',
        '0',
        '--srt-port',
        '0',
      ],
      {
        stdio: ['ignore', 'pipe', stderr],
        env: { ...process.env, TZ: 'UTC', HOME: this.workDir },
      }
    );
    fs.closeSync(stderr);
    this.exit = new Promise((resolve) =>
      this.process.on('exit', (code, signal) => resolve({ code, signal }))
    );
    const lines = readline.createInterface({ input: this.process.stdout });
    const listening = new Promise((resolve, reject) => {
      lines.on('line', (line) => {
        if (line.startsWith('listening on ')) {
          resolve(line.slice('listening on '.length).trim());
        }
      });
      this.exit.then(() => reject(new Error(`eboardd exited before listening:\n${this.stderr()}`)));
      setTimeout(() => reject(new Error('eboardd did not listen within 30 s')), 30000);
    });

    this.url = await listening;
    this.admin = fs.readFileSync(path.join(this.dataDir, 'bootstrap-token'), 'utf8').trim();
  }

  stderr() {
    try {
      return fs.readFileSync(this.stderrPath, 'utf8');
    } catch {
      return '';
    }
  }

  // SIGTERM, then SIGKILL after @timeoutMs; answers { code, signal }.
  async stop(timeoutMs = 20000) {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) {
      return this.exit;
    }
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    const result = await this.exit;

    clearTimeout(timer);
    return result;
  }

  recordingPath(sessionId, file) {
    return path.join(this.dataDir, 'recordings', `session-${sessionId}`, file);
  }

  // One HTTP request; answers { status, headers, body } with the body
  // parsed when it is JSON.
  async api(method, route, { token = this.admin, body = undefined } = {}) {
    const headers = { Authorization: `Bearer ${token}` };

    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(this.url + route, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') || '';

    return {
      status: response.status,
      headers: response.headers,
      body: type.includes('json') && text ? JSON.parse(text) : text,
    };
  }

  // The same, failing unless the status is @expected.
  async call(method, route, options = {}, expected = [200, 201, 204]) {
    const answer = await this.api(method, route, options);
    const wanted = Array.isArray(expected) ? expected : [expected];

    check(
      wanted.includes(answer.status),
      `${method} ${route}: ${answer.status} (wanted ${wanted.join(' or ')}): ` +
        JSON.stringify(answer.body)
    );
    return answer.body;
  }
}

// ffprobe's view of one recorded segment: its streams' codecs and its
// duration in milliseconds.
export async function probeSegment(file) {
  const { stdout } = await execFileAsync('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,codec_name:format=duration',
    '-of',
    'json',
    file,
  ]);
  const info = JSON.parse(stdout);

  return {
    codecs: Object.fromEntries((info.streams || []).map((s) => [s.codec_type, s.codec_name])),
    durationMs: Math.round(Number(info.format && info.format.duration) * 1000),
  };
}
