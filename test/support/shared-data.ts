/**
 * Where the shared public data (traces, price catalogs) lives: ../shared/data beside the
 * project, as on the development machines and in CI, or wherever CAPSIM_SHARED_DATA says.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CANDIDATES = [process.env['CAPSIM_SHARED_DATA'], '../shared/data', '../../shared/data', '/work/shared/data'].filter((p): p is string => Boolean(p));

export const SHARED_DATA = resolve(CANDIDATES.find((p) => existsSync(join(p, 'traces'))) ?? '../shared/data');

export const sharedFile = (...parts: string[]) => join(SHARED_DATA, ...parts);
