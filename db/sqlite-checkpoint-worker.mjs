// The checkpoint thread's worker (sqlite-checkpoints.ts): one connection of its own to the database file,
// on which each message runs a PASSIVE checkpoint — WAL frames copied into the file and both synced —
// so that neither the copying nor the fsyncs ever hold the request thread. Plain JavaScript: it starts
// without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const db = new BetterSqlite3(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL'); // as the server's own connections
// PASSIVE never waits for readers or writers: it copies what no reader still needs and returns.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const { busy, log, checkpointed } = checkpoint.get();
    parentPort.postMessage({ busy, log, checkpointed });
  } catch (err) {
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
