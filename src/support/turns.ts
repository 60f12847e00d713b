/**
 * One at a time, one per turn of the event loop: each call resolves on the turn after the one the
 * call before it resolved on (`setImmediate`), in the order of the calls. Between two of them the
 * event loop polls: what waits on the network or the disk (a connection to accept, a sync that
 * finished) is heard between them, not after all of them.
 */
export function takingTurns(): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    last = turn;
    return turn;
  };
}
