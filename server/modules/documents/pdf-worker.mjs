// The PDF worker's entry: its TypeScript runs through tsx, as the server's own does (pdf-thread.ts).
import { register } from 'tsx/esm/api';

register();
await import('./pdf-worker.ts');
