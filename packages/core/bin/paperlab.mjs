#!/usr/bin/env node
// The paperlab CLI. Node 20 cannot import TypeScript, so register tsx before loading the source.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
