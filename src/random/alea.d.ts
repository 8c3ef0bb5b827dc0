/**
 * seedrandom's Alea generator on its own: the package's index also loads its other
 * generators and Node's `crypto` (for autoseeding, which capsim never does), several
 * milliseconds of every command's start-up (issue 17). `seedrandom.alea` is this function.
 */
declare module 'seedrandom/lib/alea.js' {
  import type seedrandom from 'seedrandom';
  const alea: seedrandom['alea'];
  export default alea;
}
