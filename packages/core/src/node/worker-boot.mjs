// Entry of a worker thread: Node 20 cannot import TypeScript by itself, so register tsx first.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
