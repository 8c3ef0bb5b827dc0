/**
 * Folders and files the CLI writes to, checked before any work is done, so a bad path
 * costs nothing.
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../scenario/index.js';

/**
 * Creates a folder and its missing parents one at a time. (Node's recursive mkdir never
 * returns under /proc, where mkdir answers ENOENT for a folder it just made; one level at a
 * time, the error comes back.)
 */
export function makeFolder(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeFolder(parent);
  mkdirSync(dir);
}

/** A folder results can be written to: created if missing; a file there, or no permission, is bad input. */
export function writableFolder(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`--out ${dir}: it is a file, not a folder.`);
  makeFolder(dir);
  accessSync(dir, constants.W_OK);
}

/** A file that can be written: its folder created, the file opened for writing now (so the run's result is not lost later). */
export function writableFile(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`${path} is a folder, not a file to write.`);
  makeFolder(dirname(path));
  closeSync(openSync(path, 'a'));
}

