import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { verifyStream } from '../verify-stream.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { crashEvent } from '../../../../test/support/crash-events.js';
import { newEvent } from '../../../../test/support/event-store.contract.js';
import { tempDir } from '../../../../test/support/temp-dir.js';

const ROOT = join(import.meta.dirname, '../../../..');

interface Ack {
  streamId: string;
  batch: number;
  revision: number;
}

/** Starts the child writer and resolves with its acknowledgements once `enough` have arrived and it is killed. */
function runAndKill(file: string, enough: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/support/append-until-killed.ts'), file, '16'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acks: Ack[] = [];
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') return;
      acks.push(JSON.parse(line) as Ack);
      if (acks.length === enough) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`writer exited early (code ${code}): ${stderr}`));
    });
  });
}

describe('embedded store durability', () => {
  it('given a writer killed with SIGKILL mid-stream, every acknowledged append is present and intact and no partial append is visible', async () => {
    const dir = tempDir('onrecord-kill-');
    const file = join(dir.path, 'events.sqlite');
    try {
      const acks = await runAndKill(file, 600);

      const store = new SqliteEventStore({ file });
      try {
        expect(acks.length).toBeGreaterThanOrEqual(600);
        const highestAcked = new Map<string, number>();
        for (const ack of acks)
          highestAcked.set(
            ack.streamId,
            Math.max(highestAcked.get(ack.streamId) ?? -1, ack.revision),
          );

        for (let w = 0; w < 16; w++) {
          const streamId = `crash-${w}`;
          const events = await store.readStream(streamId);
          // Whole batches only: a torn append would leave a count that is not a multiple of 3.
          expect(events.length % 3).toBe(0);
          expect(events.length - 1).toBeGreaterThanOrEqual(highestAcked.get(streamId) ?? -1);
          events.forEach((event, revision) => {
            const expected = crashEvent(w, Math.floor(revision / 3), revision % 3);
            expect([event.id, event.data]).toEqual([expected.id, expected.data]);
          });
          expect((await verifyStream(store, streamId)).ok).toBe(true);
        }
      } finally {
        await store.close();
      }
    } finally {
      dir.remove();
    }
  }, 60_000);
});

describe('tamper evidence on disk', () => {
  async function writeStream(file: string, streamId: string): Promise<string[]> {
    const store = new SqliteEventStore({ file });
    const events = [0, 1, 2, 3, 4].map((i) =>
      newEvent('PromiseMade', { text: `marker-${i}-free-freight-on-7731` }),
    );
    const result = await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
    await store.close();
    return result.events.map((e) => e.id);
  }

  /** Changes one byte in the database file itself, as someone with disk access could. */
  function flipByteInFile(
    file: string,
    marker: string,
    offsetInMarker: number,
    replacement: string,
  ): void {
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from(marker));
    expect(at).toBeGreaterThan(0);
    expect(bytes.indexOf(Buffer.from(marker), at + 1)).toBe(-1);
    bytes[at + offsetInMarker] = replacement.charCodeAt(0);
    writeFileSync(file, bytes);
  }

  it('given one byte of one stored event changed in the SQLite file, verification names exactly that event', async () => {
    const dir = tempDir('onrecord-tamper-');
    const file = join(dir.path, 'events.sqlite');
    try {
      const ids = await writeStream(file, 'account-tampered');
      flipByteInFile(file, 'marker-2-free-freight', 'marker-2-'.length, 'F');

      const store = new SqliteEventStore({ file });
      const verdict = await verifyStream(store, 'account-tampered');
      await store.close();

      expect(verdict).toMatchObject({ ok: false, brokenAt: { revision: 2, eventId: ids[2] } });
      expect(!verdict.ok && verdict.brokenAt.reason).toMatch(/does not match its hash/);
    } finally {
      dir.remove();
    }
  });

  it('given a changed byte that makes a stored row unreadable, verification still names that event', async () => {
    const dir = tempDir('onrecord-tamper-');
    const file = join(dir.path, 'events.sqlite');
    try {
      const ids = await writeStream(file, 'account-garbled');
      // Breaks the JSON: the closing quote of the text value becomes a letter.
      flipByteInFile(
        file,
        'marker-3-free-freight-on-7731"',
        'marker-3-free-freight-on-7731'.length,
        'x',
      );

      const store = new SqliteEventStore({ file });
      const verdict = await verifyStream(store, 'account-garbled');
      await store.close();

      expect(verdict).toMatchObject({ ok: false, brokenAt: { revision: 3, eventId: ids[3] } });
    } finally {
      dir.remove();
    }
  });

  it('given an event deleted from the file, verification names the first event whose link is broken', async () => {
    const dir = tempDir('onrecord-tamper-');
    const file = join(dir.path, 'events.sqlite');
    try {
      const ids = await writeStream(file, 'account-gap');
      const raw = new Database(file);
      raw.prepare('DELETE FROM events WHERE id = ?').run(ids[1]);
      raw.close();

      const store = new SqliteEventStore({ file });
      const verdict = await verifyStream(store, 'account-gap');
      await store.close();

      expect(verdict).toMatchObject({ ok: false, brokenAt: { revision: 2, eventId: ids[2] } });
    } finally {
      dir.remove();
    }
  });
});
