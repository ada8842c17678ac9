/**
 * How long GET requests take as a lean HTTP client sees them: one keep-alive connection, one request
 * at a time, timed by autocannon's client, which writes each request and parses its answer without
 * Node's `http` machinery (as a browser's network stack or `curl` would). Node's own client, sharing
 * this 2-core machine with the server, added about a millisecond at p95 to a 35 KB answer — its own
 * work and garbage, not the server's (issue 16's tenth sitting in the README).
 */
import autocannon from 'autocannon';

/** Milliseconds of each request after the first `warmUp`, in the order asked; an answer other than 200 throws. */
export function leanLatencies(origin: string, paths: readonly string[], warmUp = 0): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const refused: number[] = [];
    let next = 0;
    const instance = autocannon(
      {
        url: origin,
        connections: 1,
        amount: paths.length,
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++]! }) }],
      },
      (err) => {
        if (err) reject(err);
        else if (refused.length) reject(new Error(`GET answered ${refused.join(', ')} (expected 200)`));
        else if (times.length !== paths.length)
          reject(new Error(`${times.length} answers to ${paths.length} requests`));
        else resolve(times.slice(warmUp));
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      times.push(ms);
      if (status !== 200) refused.push(status);
    });
  });
}
