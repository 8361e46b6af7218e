// Worker-thread entry of the full recompute's reader (see reader-thread.ts): reads the workspace
// through its own read-only connection, in one read transaction (one snapshot), and posts
// fullInputs()'s messages, staying at most AHEAD messages in front of the materialiser.
import { workerData } from 'node:worker_threads';
import { openDatabase } from '../db/open';
import { fullInputs, transferables } from './full-inputs';
import { IdentityLinks, type IdentityLinksData } from './identity-links';
import { AHEAD, LINKS, POSTED, receiveSync, TAKEN, type ReaderData, type ReaderReply } from './reader-thread';

const { file, settings, signal, port, split } = workerData as ReaderData;
const sig = new Int32Array(signal);

function post(m: ReaderReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
  Atomics.add(sig, POSTED, 1);
  Atomics.notify(sig, POSTED);
}

try {
  const db = openDatabase(file, { readonly: true });
  try {
    db.exec('BEGIN');
    // the identity values from `split` on are linked here, the others come from the materialiser's thread
    const links = () => {
      const own = split === null ? null : IdentityLinks.scan(db, { from: split });
      const theirs = IdentityLinks.fromData(receiveSync(port, sig, LINKS, () => new Error('Связи телефонов и e-mail не пришли.')) as IdentityLinksData);
      return own ? theirs.with(own) : theirs;
    };
    for (const m of fullInputs(db, settings, links)) {
      for (let taken = Atomics.load(sig, TAKEN); Atomics.load(sig, POSTED) - taken >= AHEAD; taken = Atomics.load(sig, TAKEN)) Atomics.wait(sig, TAKEN, taken, 1_000);
      post(m, transferables(m));
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  post({ t: 'done' });
} catch (e) {
  post({ t: 'error', message: e instanceof Error ? e.message : String(e) });
}
