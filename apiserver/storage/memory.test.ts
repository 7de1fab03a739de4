// Runs the storage conformance suite against the in-memory backend.
import { storageConformance } from './conformance.js';
import { createMemoryStorage } from './memory.js';

storageConformance('memory', async (opts = {}) => {
  const storage = createMemoryStorage(opts);
  return { storage, cleanup: () => storage.close() };
});
