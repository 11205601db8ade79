/**
 * A promise that resolves in a new task (a MessageChannel message), for work cut into short slices. Nested
 * `setTimeout(0)` is clamped to 4 ms by browsers, so slices of 4 ms separated by timeouts left the thread idle
 * half of the time: tens of thousands of threads took seconds to lay out before the first frame.
 */
let channel: MessageChannel | null = null;
const waiting: Array<() => void> = [];

export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    if (channel === null) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
      // Node: a port with a listener keeps the process alive; this one must not.
      (channel.port1 as { unref?: () => void }).unref?.();
    }
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
