// A create worker thread: prepares the create requests the main thread posts (see create-workers.ts).

import { parentPort } from 'node:worker_threads';
import { AccountCache } from '../registry/admission-inputs.js';
import { prepareCreateRequest } from './create-prepare.js';
import { fromWorkerRequest, toWorkerAnswer, type WorkerReply, type WorkerRequest } from './create-workers.js';

const port = parentPort;
if (!port) throw new Error('create-worker runs as a worker thread');
const accounts = new AccountCache();
const post = (m: WorkerReply): void => port.postMessage(m);

port.on('message', (batch: WorkerRequest[]) => {
  const answers = batch.map((m) => {
    const { id, req } = fromWorkerRequest(m);
    try {
      return toWorkerAnswer(id, prepareCreateRequest(req, accounts));
    } catch (e) {
      return toWorkerAnswer(id, e instanceof Error ? e : new Error(String(e)));
    }
  });
  post({ answers });
});
post({ ready: true });
