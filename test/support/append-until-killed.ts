/**
 * Child process for the kill -9 test: appends 3-event batches to the embedded
 * store from many concurrent writers, forever, and prints one line per
 * acknowledged append. The parent kills it with SIGKILL mid-stream.
 *
 *   tsx test/support/append-until-killed.ts <database file> <writers>
 */
import { SqliteEventStore } from '@onrecord/event-store';
import { crashEvent } from './crash-events.js';

const [file, writersArg] = process.argv.slice(2);
if (!file) throw new Error('usage: append-until-killed <file> [writers]');
const writers = Number(writersArg ?? '16');
const store = new SqliteEventStore({ file });

async function writer(w: number): Promise<void> {
  const streamId = `crash-${w}`;
  for (let batch = 0; ; batch++) {
    const events = [0, 1, 2].map((i) => crashEvent(w, batch, i));
    const result = await store.appendToStream(streamId, events, {
      expectedRevision: batch === 0 ? 'no_stream' : batch * 3 - 1,
    });
    process.stdout.write(
      `${JSON.stringify({ streamId, batch, revision: result.nextExpectedRevision })}\n`,
    );
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
